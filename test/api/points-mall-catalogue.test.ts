import type { MallCatalogue, MallGift } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { createGift, giftInput, givePoints } from '../support/mall-helpers'

/**
 * The member's catalogue as the operator arranged it: the operator's sort order (and a re-sort is a new
 * version), the categories for the filter tabs, every kind of gift, the points + cash reference price,
 * paused gifts left out, and on each gift why this member cannot redeem it (the 我能兑换 filter reads it).
 */
let api: TestApi
let operator: string

beforeAll(async () => {
  api = await startTestApi({ WELCOME_POINTS: '0' })
  operator = (await api.loginStaff('catalogue-op', 'operator', null)).accessToken
})
afterAll(() => api.stop())

const catalogue = async (token: string): Promise<MallCatalogue> =>
  (await api.http.get('/api/mall/gifts').set(bearer(token))).body

it('lists gifts in the operator’s order with categories, kinds, the cash part and why I cannot redeem', async () => {
  const coffee = await createGift(api, operator, { name: '咖啡', sort: 5, category: '餐饮', pricePoints: 100 })
  const spa = await createGift(api, operator, {
    name: '双人 SPA 体验',
    kind: 'experience',
    category: '休闲体验',
    sort: 1,
    pricePoints: 300,
    cashFen: 990,
  })
  const bag = await createGift(api, operator, {
    name: '钻石会员帆布袋',
    kind: 'goods',
    category: '精选好物',
    sort: 3,
    pricePoints: 50,
    eligibleTiers: [4],
  })
  const paused = await createGift(api, operator, { name: '已下架', sort: 0, status: 'paused' })

  const m = await api.loginMember('catalogue-member')
  await givePoints(api, m, 200, 'catalogue-member')
  const seen = await catalogue(m.accessToken)
  expect(seen.balance).toBe(200)
  expect(seen.items.map((g) => g.giftId)).toEqual([spa, bag, coffee])
  expect(seen.items.some((g) => g.giftId === paused)).toBe(false)
  expect([...seen.categories].sort()).toEqual(['休闲体验', '精选好物', '餐饮'].sort())
  const byId = new Map<string, MallGift>(seen.items.map((g) => [g.giftId, g]))
  expect(byId.get(spa)).toMatchObject({ kind: 'experience', cashFen: 990, blocker: 'INSUFFICIENT_POINTS' })
  expect(byId.get(bag)).toMatchObject({ kind: 'goods', eligibleTiers: [4], blocker: 'TIER_TOO_LOW' })
  expect(byId.get(coffee)).toMatchObject({ kind: 'voucher', blocker: null })

  // The operator moves the coffee to the top: a new version, and the member's list follows.
  const edit = { ...giftInput({ name: '咖啡', sort: 0, category: '餐饮', pricePoints: 100 }), version: 1 }
  const put = await api.http.put(`/api/ops/mall/gifts/${coffee}`).set(bearer(operator)).send(edit)
  expect([put.status, put.body.version]).toEqual([200, 2])
  expect((await catalogue(m.accessToken)).items.map((g) => g.giftId)).toEqual([coffee, spa, bag])
  const history = await api.http.get(`/api/ops/mall/gifts/${coffee}/history`).set(bearer(operator))
  expect(history.body.items[0]).toMatchObject({ version: 2, before: { sort: 5 }, after: { sort: 0 } })
})
