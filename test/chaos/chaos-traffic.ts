import type { ChaosCall } from '../support/chaos-world'

/** What a chaos operation does, one of a fixed mix; `member` picks the member, `key` is its Idempotency-Key. */
export type Op = {
  kind:
    | 'earn'
    | 'spend'
    | 'claim'
    | 'checkin'
    | 'register'
    | 'friend-purchase'
    | 'held'
    | 'decide'
    | 'redeem-coupon'
    | 'coupon-flip'
  member: number
  key: string
}

export const OP_MIX: Op['kind'][] = [
  'earn',
  'earn',
  'earn',
  'spend',
  'claim',
  'checkin',
  'register',
  'friend-purchase',
  'held',
  'decide',
  'redeem-coupon',
  'coupon-flip',
]

/** What the operations use, and where they record what the checks after the run look for. */
export interface ChaosTraffic {
  call: ChaosCall
  /** the store manager's, the till clerk's and the operator's tokens */
  staff: string
  till: string
  operator: string
  /** the points-priced coupon's template */
  template: string
  inviter: string
  scanToken(memberId: string, mayHandHead?: boolean, staffId?: string): string
  friends: { id: string; token: string }[]
  /** event keys of acknowledged earnings and spendings */
  earned: string[]
  spent: string[]
  /** receipts held for approval (the till's, above the threshold); decided by approvals, rejections and undos raced */
  held: string[]
}

/** One operation of member `m`, answered definitively (the client retries through the kills). */
export async function performOp(t: ChaosTraffic, op: Op, m: { id: string; token: string }) {
  const { call, staff, till, operator, template, inviter, scanToken, friends, earned, spent, held } = t
  /** members' coupons, and how to get each one's code */
  const couponsOf = async (m: { token: string }) =>
    (await call('GET', '/api/me/coupons?status=unused', m.token, undefined)).body.items ?? []
  const codeOf = async (m: { token: string }, couponId: string) =>
    (await call('GET', `/api/me/coupons/${encodeURIComponent(couponId)}/code`, m.token, undefined)).body.code
  let res: { status: number; body: any }
  switch (op.kind) {
    case 'earn':
      res = await call(
        'POST',
        '/api/staff/purchases',
        staff,
        {
          scanToken: scanToken(m.id, true),
          receiptNo: op.key,
          amountFen: 1_000 + Math.floor(Math.random() * 20_000),
        },
        op.key,
      )
      if (res.status === 200) earned.push(`purchase:CH:${op.key}`)
      break
    case 'spend':
      res = await call(
        'POST',
        '/api/staff/points/redeem',
        staff,
        { scanToken: scanToken(m.id, true), points: 15, item: '混沌礼品' },
        op.key,
      )
      if (res.status === 200) spent.push(`redeem:${m.id}:${op.key}`)
      break
    case 'claim':
      res = await call('POST', `/api/coupons/${template}/claim`, m.token, {}, op.key)
      break
    case 'checkin':
      res = await call('POST', '/api/me/checkin', m.token, {})
      break
    case 'register': {
      res = await call('POST', '/api/auth/dev-login', null, {
        devUser: `chaos-friend-${op.key.toLowerCase()}`,
        inviter,
      })
      if (res.status === 200) friends.push({ id: res.body.member.memberId, token: res.body.accessToken })
      break
    }
    case 'held':
      res = await call(
        'POST',
        '/api/staff/purchases',
        till,
        { scanToken: scanToken(m.id, false, 'chaos-till'), receiptNo: op.key, amountFen: 12_000_00 },
        op.key,
      )
      if (res.status === 200) held.push(op.key)
      break
    case 'decide': {
      // approval, rejection and the clerk's undo of one held receipt, all at once
      const receipt = held[Math.floor(Math.random() * held.length)]
      if (!receipt) {
        res = { status: 0, body: {} }
        break
      }
      const answers = await Promise.all([
        call('POST', `/api/staff/purchases/${receipt}/decision`, staff, { approve: true }),
        call('POST', `/api/staff/purchases/${receipt}/decision`, operator, { approve: false, storeId: 'CH' }),
        call('POST', `/api/staff/purchases/${receipt}/reverse`, till, { reason: 'undo' }),
      ])
      res = answers.find((a) => a.status === 200) ?? answers[0]!
      break
    }
    case 'redeem-coupon': {
      const coupon = (await couponsOf(m))[0]
      res = coupon
        ? await call('POST', '/api/staff/coupons/redeem', staff, { code: await codeOf(m, coupon.couponId) })
        : { status: 0, body: {} }
      break
    }
    case 'coupon-flip': {
      // redeem, then an undo and a second redemption of the same coupon at once
      const coupon = (await couponsOf(m))[0]
      if (!coupon) {
        res = { status: 0, body: {} }
        break
      }
      const code = await codeOf(m, coupon.couponId)
      await call('POST', '/api/staff/coupons/redeem', staff, { code })
      const [undo] = await Promise.all([
        call('POST', `/api/staff/coupons/${encodeURIComponent(coupon.couponId)}/undo`, staff, {}),
        call('POST', '/api/staff/coupons/redeem', staff, { code }),
      ])
      res = undo
      break
    }
    case 'friend-purchase': {
      const f = friends[Math.floor(Math.random() * friends.length)]
      res = f
        ? await call(
            'POST',
            '/api/staff/purchases',
            staff,
            { scanToken: scanToken(f.id), receiptNo: op.key, amountFen: 5_000 },
            op.key,
          )
        : { status: 0, body: {} }
      if (res.status === 200) earned.push(`purchase:CH:${op.key}`)
      break
    }
  }
  return res
}
