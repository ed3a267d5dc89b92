import fc from 'fast-check'
import { dbFingerprint } from '../support/db-fingerprint'
import { startPayWorld, wechatMember, type PayWorld } from '../support/wechat-pay-helpers'

/**
 * WeChat Pay callbacks with validly signed and encrypted, but hostile, content: fields replaced by
 * operators, wrong types, huge or odd values, fields missing. Never a 5xx; a refusal (400) writes nothing.
 */
// The test command runs 60 cases; `npm run fuzz` (FUZZ_CASES=300) the full 300.
const CASES = Number(process.env.FUZZ_CASES ?? 60)
jest.setTimeout(600_000)

let w: PayWorld
beforeAll(async () => {
  w = await startPayWorld()
  await wechatMember(w, 'o-fuzz')
})
afterAll(() => w.api.stop())

const evil = fc.oneof(
  fc.constantFrom<unknown>(
    { $ne: null },
    { $gt: '' },
    [{ $ne: 1 }],
    null,
    true,
    [],
    {},
    '',
    -1,
    0,
    1.5,
    2 ** 53 + 1,
    1e308,
  ),
  fc.constantFrom<unknown>('x'.repeat(5_000), '😀'.repeat(300), '\u0000nul', '../../etc', 'wx:ghost', 'txn:1'),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.object({ maxDepth: 2 }),
)

const valid = (n: number): Record<string, unknown> => ({
  mchid: '1900000101',
  appid: 'wx-test-appid',
  openid: 'o-fuzz',
  time_end: '2026-11-20T12:00:00+08:00',
  amount: 1_000,
  transaction_id: `42000000000000${String(n).padStart(5, '0')}`,
  refund_id: `50300000000000${String(n).padStart(5, '0')}`,
  refund_time: '2026-11-20T12:00:00+08:00',
  pay_amount: 1_000,
  refund_amount: 500,
  authorize_state: 'AUTHORIZED',
  authorize_time: '2026-11-20T12:00:00+08:00',
})

it('hostile decrypted content: no 5xx, refusals write nothing', async () => {
  let n = 0
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('MALL_TRANSACTION.SUCCESS', 'MALL_REFUND.SUCCESS', 'MALL_AUTH.ACTIVATE_CARD', 'SOMETHING.ELSE'),
      fc.constantFrom('transaction', 'authorization'),
      fc.oneof(
        fc
          .record({ key: fc.constantFrom(...Object.keys(valid(0))), value: evil })
          .map(({ key, value }) => ({ op: 'set' as const, key, value })),
        fc.constantFrom(...Object.keys(valid(0))).map((key) => ({ op: 'drop' as const, key, value: undefined })),
      ),
      async (eventType, endpoint, change) => {
        const resource = valid(++n)
        if (change.op === 'drop') delete resource[change.key]
        else resource[change.key] = change.value
        const before = await dbFingerprint(w.api.conn)
        const res = await w.pay.deliver(
          `${w.api.url}/api/wechat-pay/notify/${endpoint}`,
          w.pay.notification(eventType, resource),
        )
        expect([204, 400]).toContain(res.status)
        if (res.status === 400) expect(await dbFingerprint(w.api.conn)).toBe(before)
      },
    ),
    { numRuns: CASES },
  )
})
