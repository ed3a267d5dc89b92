import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from './api-harness'
import { award, scan } from './points-helpers'

/**
 * Member insight and segments against hand-computed values. Five members with purchase histories
 * laid out on the test clock (day 0 = 2026-01-05 12:00 Shanghai; "now" = day 200, 14:00):
 *   A  joined day 0; 500 yuan on days 0, 20, …, 180 (10 purchases)  → 成熟, RFM 434,
 *        no churn risk (every 20 days, last 20 ago)
 *   B  joined day 195; 50 yuan on day 195                              → 新客, RFM 511
 *   C  joined day 0; 80 yuan on day 0; 60 yuan on day 150, reversed   → 流失, RFM 111, churn risk (global 90 days)
 *   D  joined day 100; 100 yuan on days 100, 110, 120                  → 成长, RFM 322,
 *        churn risk (80 days > 2 × 10, min 14 → 20)
 *   E  joined day 150, invited by A, never bought                     → 衰退, RFM 111
 *        (no purchase after the new-member window)
 */
export type InsightMember = 'A' | 'B' | 'C' | 'D' | 'E'

const T0 = Date.parse('2026-01-05T04:00:00Z')
const DAY = 86_400_000
const at = (day: number) => new Date(T0 + day * DAY)

async function join(api: TestApi, name: string, day: number, inviter?: string): Promise<MemberLoginResponse> {
  api.clock.runFrom(at(day))
  const res = await api.http.post('/api/auth/dev-login').send({ devUser: name, ...(inviter ? { inviter } : {}) })
  expect(res.status).toBe(200)
  return res.body
}

/** A purchase of `yuan` by member `name` on test day `day`, awarded by the store's clerk (whose token it returns). */
export async function buyOnDay(api: TestApi, name: string, day: number, yuan: number, receiptNo: string) {
  api.clock.runFrom(at(day))
  const clerk = (await api.loginStaff('mi-clerk', 'clerk', 'MI')).accessToken
  const member = await api.loginMember(name)
  const res = await award(api, clerk, { scanToken: await scan(api, member, clerk), receiptNo, amountFen: yuan * 100 })
  expect({ receiptNo, status: res.status, state: res.body.status }).toEqual({ receiptNo, status: 200, state: 'posted' })
  return clerk
}

/** GET/POST/PUT as the operator whose token is given. */
export const operatorCalls = (api: TestApi, operator: string) => ({
  get: (path: string) => api.http.get(path).set(bearer(operator)),
  post: (path: string, body: unknown) =>
    api.http
      .post(path)
      .set(bearer(operator))
      .send(body as object),
  put: (path: string, body: unknown) =>
    api.http
      .put(path)
      .set(bearer(operator))
      .send(body as object),
})

/** The five members' histories above, the clock at day 200 14:00, A's phone bound, operator mi-operator. */
export async function startInsightMall() {
  const api = await startTestApi()
  const ids: Record<InsightMember, string> = { A: '', B: '', C: '', D: '', E: '' }
  const buy = (name: string, day: number, yuan: number, receiptNo: string) => buyOnDay(api, name, day, yuan, receiptNo)
  await api.addStore('MI')
  const a = await join(api, 'mi-a', 0)
  ids.A = a.member.memberId
  ids.C = (await join(api, 'mi-c', 0)).member.memberId
  for (let day = 0; day <= 180; day += 20) await buy('mi-a', day, 500, `A-${day}`)
  await buy('mi-c', 0, 80, 'C-0')
  ids.D = (await join(api, 'mi-d', 100)).member.memberId
  for (const day of [100, 110, 120]) await buy('mi-d', day, 100, `D-${day}`)
  const inviteCode = (await api.http.get('/api/me/invites').set(bearer((await api.loginMember('mi-a')).accessToken)))
    .body.inviteCode
  ids.E = (await join(api, 'mi-e', 150, inviteCode)).member.memberId
  const clerk = await buy('mi-c', 150, 60, 'C-150')
  const undo = await api.http.post('/api/staff/purchases/C-150/reverse').set(bearer(clerk)).send({ reason: 'undo' })
  expect(undo.status).toBe(200)
  ids.B = (await join(api, 'mi-b', 195)).member.memberId
  await buy('mi-b', 195, 50, 'B-195')

  // "now": day 200, past the purchase times of day 0 (scans move the clock)
  api.clock.runFrom(new Date(at(200).getTime() + 2 * 3600_000))
  const phone = await api.http
    .post('/api/me/phone')
    .set(bearer((await api.loginMember('mi-a')).accessToken))
    .send({ code: api.wechat.phoneCode('13912345678') })
  expect(phone.status).toBe(200)
  const operator = (await api.loginStaff('mi-operator', 'operator', null)).accessToken
  return { api, ids, operator }
}
