import type { MemberLoginResponse } from '@mall/shared'
import { bearer, type TestApi } from './api-harness'

/** The staff flow's first step: the member shows a code, staff scan it, get a scan token. */
export async function scan(api: TestApi, member: MemberLoginResponse, staffToken: string): Promise<string> {
  // Each code works once per 30-second step; move the clock so this scan gets a fresh code.
  api.clock.advance(30_000)
  const code = await api.http.get('/api/me/member-code').set(bearer(member.accessToken))
  const res = await api.http
    .post('/api/staff/member-code/resolve')
    .set(bearer(staffToken))
    .send({ code: code.body.code })
  if (res.status !== 200) throw new Error(`scan failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.scanToken
}

/**
 * The default rules double purchase points on the 18th of each month (member day): a test that checks
 * amounts on the real date turns it off, or it would fail on every 18th.
 */
export function withoutMemberDay(api: TestApi): Promise<void> {
  return api.ctx.services.rules.replace({ earning: { campaigns: [] } })
}

export function award(
  api: TestApi,
  staffToken: string,
  body: { scanToken: string; receiptNo: string; amountFen: number },
  idempotencyKey?: string,
) {
  const req = api.http.post('/api/staff/purchases').set(bearer(staffToken))
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey)
  return req.send(body)
}

export function redeem(
  api: TestApi,
  staffToken: string,
  body: { scanToken: string; points: number; item: string },
  idempotencyKey: string,
) {
  return api.http
    .post('/api/staff/points/redeem')
    .set(bearer(staffToken))
    .set('Idempotency-Key', idempotencyKey)
    .send(body)
}

export async function balanceOf(api: TestApi, member: MemberLoginResponse): Promise<number> {
  return (await api.http.get('/api/me/wallet').set(bearer(member.accessToken))).body.balance
}
