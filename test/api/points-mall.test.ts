import sharp from 'sharp'
import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { balance, createGift, giftInput, givePoints, redeemGift } from '../support/mall-helpers'
import { pointsMallModels } from '../../server/src/modules/points-mall/points-mall.model'

let api: TestApi
let operator: string
let clerk: string
let members = 0

beforeAll(async () => {
  api = await startTestApi({ WELCOME_POINTS: '0' })
  await api.addStore('S1')
  operator = (await api.loginStaff('mall-op', 'operator', null)).accessToken
  clerk = (await api.loginStaff('mall-clerk', 'clerk', 'S1')).accessToken
})
afterAll(() => api.stop())

async function memberWith(points: number): Promise<MemberLoginResponse> {
  const n = ++members
  const m = await api.loginMember(`mall-m${n}`)
  if (points > 0) await givePoints(api, m, points, `m${n}`)
  return m
}

const ledgerEntries = (memberId: string) =>
  api.conn.collection('ledger_entries').countDocuments({ memberId, type: 'gift' })

describe('catalogue in the console', () => {
  it('creates, edits with the version seen and keeps the history; refuses what cannot work', async () => {
    const id = await createGift(api, operator, { name: '洗车券', stock: 3 })
    const list = await api.http.get('/api/ops/mall/gifts').set(bearer(operator))
    expect(list.body.items.find((g: { giftId: string }) => g.giftId === id)).toMatchObject({
      name: '洗车券',
      version: 1,
      stockLeft: 3,
    })
    const edit = { ...giftInput({ name: '精致洗车', stock: 5 }), version: 1, note: '加库存' }
    const put = await api.http.put(`/api/ops/mall/gifts/${id}`).set(bearer(operator)).send(edit)
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ name: '精致洗车', version: 2, stockLeft: 5 })
    const stale = await api.http.put(`/api/ops/mall/gifts/${id}`).set(bearer(operator)).send(edit)
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('CONFIG.VERSION_CONFLICT')
    const history = await api.http.get(`/api/ops/mall/gifts/${id}/history`).set(bearer(operator))
    expect(history.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1])
    expect(history.body.items[0]).toMatchObject({ kind: 'gift', note: '加库存', before: { name: '洗车券' } })

    const bad = [
      { ...giftInput(), pricePoints: 0 },
      { ...giftInput(), fulfilment: [] },
      { ...giftInput(), fulfilment: ['pickup', 'pickup'] },
      { ...giftInput(), availableFrom: '2026-02-01T00:00:00Z', availableTo: '2026-01-01T00:00:00Z' },
      { ...giftInput(), stock: -1 },
      { ...giftInput(), surprise: true },
    ]
    for (const body of bad) {
      const res = await api.http.post('/api/ops/mall/gifts').set(bearer(operator)).send(body)
      expect(res.status).toBe(400)
    }
    expect((await api.http.post('/api/ops/mall/gifts').set(bearer(clerk)).send(giftInput())).status).toBe(403)
  })

  it('20 operators saving one gift at the version they saw: exactly one version recorded', async () => {
    const id = await createGift(api, operator, { stock: 3 })
    const edits = Array.from({ length: 20 }, (_, i) =>
      api.http
        .put(`/api/ops/mall/gifts/${id}`)
        .set(bearer(operator))
        .send({ ...giftInput({ stock: 10 + i }), version: 1, note: `第${i}个` }),
    )
    const results = await Promise.all(edits)
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409)).toHaveLength(19)
    const history = await api.http.get(`/api/ops/mall/gifts/${id}/history`).set(bearer(operator))
    expect(history.body.items).toHaveLength(2)
    const winner = results.find((r) => r.status === 200)!.body
    expect(history.body.items[0].after.stock).toBe(winner.stock)
  })

  it('takes JPEG/PNG/WebP by their bytes, stores a 800 px picture and a 240 px thumbnail', async () => {
    const png = await sharp({ create: { width: 1600, height: 1200, channels: 4, background: '#c33' } })
      .png()
      .toBuffer()
    const up = await api.http
      .post('/api/ops/mall/images')
      .set(bearer(operator))
      .send({ dataUrl: `data:image/png;base64,${png.toString('base64')}` })
    expect(up.status).toBe(201)
    expect(up.body).toMatchObject({ width: 800, height: 600 })
    const thumb = await api.http.get(up.body.thumbUrl).buffer(true)
    expect(thumb.status).toBe(200)
    expect(thumb.headers['content-type']).toBe('image/jpeg')
    expect(await sharp(thumb.body as Buffer).metadata()).toMatchObject({ width: 240, height: 240, format: 'jpeg' })
    const full = await api.http.get(up.body.url).buffer(true)
    expect(await sharp(full.body as Buffer).metadata()).toMatchObject({ width: 800, format: 'jpeg' })

    // Labelled PNG but not one; PNG's first bytes and then garbage; a GIF: refused, nothing stored.
    const before = await pointsMallModels(api.conn).Image.countDocuments().exec()
    const fakes = [
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
      Buffer.concat([png.subarray(0, 8), Buffer.alloc(200, 7)]),
      Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
    ]
    for (const bytes of fakes) {
      const res = await api.http
        .post('/api/ops/mall/images')
        .set(bearer(operator))
        .send({ dataUrl: `data:image/png;base64,${bytes.toString('base64')}` })
      expect(res.status).toBe(415)
      expect(res.body.error.code).toBe('GIFT.IMAGE_UNSUPPORTED')
    }
    expect(await pointsMallModels(api.conn).Image.countDocuments().exec()).toBe(before)
    const byClerk = await api.http
      .post('/api/ops/mall/images')
      .set(bearer(clerk))
      .send({ dataUrl: `data:image/png;base64,${png.toString('base64')}` })
    expect(byClerk.status).toBe(403)
  })
})

describe('the member catalogue and redeeming', () => {
  it('redeems once through the saga: points spent once, balance before → after, stock and limit kept', async () => {
    const id = await createGift(api, operator, { stock: 2, pricePoints: 300, category: '生活服务' })
    const m = await memberWith(1000)
    const before = await api.http.get('/api/mall/gifts').set(bearer(m.accessToken))
    expect(before.body.balance).toBe(1000)
    expect(before.body.categories).toContain('生活服务')
    expect(before.body.items.find((g: { giftId: string }) => g.giftId === id)).toMatchObject({
      stockLeft: 2,
      blocker: null,
    })
    const res = await redeemGift(api, m, id)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'pending_pickup', statusText: '待领取', balanceAfter: 700 })
    expect(res.body.redemptionId).toMatch(/^[1-9][0-9]{12}$/)
    expect(await balance(api, m)).toBe(700)
    const again = await redeemGift(api, m, id)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('GIFT.LIMIT_REACHED')
    expect(await balance(api, m)).toBe(700)
    expect(await ledgerEntries(m.member.memberId)).toBe(1)
    const detail = await api.http.get(`/api/mall/gifts/${id}`).set(bearer(m.accessToken))
    expect(detail.body).toMatchObject({ stockLeft: 1, redeemedByMe: 1, blocker: 'LIMIT_REACHED', balance: 700 })
    const mine = await api.http.get('/api/me/mall/redemptions').set(bearer(m.accessToken))
    expect(mine.body.items).toHaveLength(1)
    // Someone else's redemption is not there for member B.
    const other = await memberWith(0)
    const peek = await api.http.get(`/api/me/mall/redemptions/${res.body.redemptionId}`).set(bearer(other.accessToken))
    expect(peek.status).toBe(404)
  })

  it('refuses without enough points, outside the window, for other tiers, and for a paused gift', async () => {
    const poor = await memberWith(50)
    const dear = await createGift(api, operator, { pricePoints: 100 })
    const res = await redeemGift(api, poor, dear)
    expect([res.status, res.body.error.code]).toEqual([409, 'POINTS.INSUFFICIENT'])
    const rich = await memberWith(5000)
    const now = api.clock.now().getTime()
    const cases: [Parameters<typeof giftInput>[0], number, string][] = [
      [{ availableFrom: new Date(now + 3_600_000).toISOString() }, 409, 'GIFT.NOT_STARTED'],
      [{ availableTo: new Date(now - 3_600_000).toISOString() }, 410, 'GIFT.ENDED'],
      [{ eligibleTiers: [3] }, 403, 'GIFT.TIER_TOO_LOW'],
      [{ status: 'paused' }, 409, 'GIFT.PAUSED'],
      [{ fulfilment: ['delivery'] }, 422, 'GIFT.FULFILMENT_UNAVAILABLE'],
    ]
    for (const [over, status, code] of cases) {
      const r = await redeemGift(api, rich, await createGift(api, operator, over))
      expect([r.status, r.body.error?.code]).toEqual([status, code])
    }
    expect(await balance(api, rich)).toBe(5000)
    const catalogue = await api.http.get('/api/mall/gifts').set(bearer(poor.accessToken))
    expect(catalogue.body.items.find((g: { giftId: string }) => g.giftId === dear).blocker).toBe('INSUFFICIENT_POINTS')
  })

  it('delivers to an address from the member book, never another member’s', async () => {
    const id = await createGift(api, operator, { fulfilment: ['delivery'], kind: 'goods' })
    const m = await memberWith(500)
    const noAddress = await redeemGift(api, m, id, { fulfilment: 'delivery' })
    expect(noAddress.body.error.code).toBe('GIFT.ADDRESS_REQUIRED')
    const address = { name: '张三', phone: '13800138000', region: '上海市 浦东新区', detail: '世纪大道 100 号' }
    const saved = await api.http.post('/api/me/addresses').set(bearer(m.accessToken)).send(address)
    expect(saved.status).toBe(201)
    const other = await memberWith(500)
    const stolen = await redeemGift(api, other, id, { fulfilment: 'delivery', addressId: saved.body.addressId })
    expect([stolen.status, stolen.body.error.code]).toEqual([404, 'ADDRESS.NOT_FOUND'])
    const res = await redeemGift(api, m, id, { fulfilment: 'delivery', addressId: saved.body.addressId })
    expect(res.body).toMatchObject({ status: 'pending_shipment', statusText: '待发货', address })
  })

  it('an address book holds ten, however many saves arrive at once; a removed place is taken again', async () => {
    const m = await memberWith(0)
    const address = { name: '赵六', phone: '13600136000', region: '上海市', detail: '淮海中路 1 号' }
    const saves = await Promise.all(
      Array.from({ length: 24 }, () => api.http.post('/api/me/addresses').set(bearer(m.accessToken)).send(address)),
    )
    expect(saves.filter((r) => r.status === 201)).toHaveLength(10)
    expect(saves.filter((r) => r.status === 422).map((r) => r.body.error.code)).toEqual(
      Array(14).fill('ADDRESS.LIMIT_REACHED'),
    )
    expect(new Set(saves.filter((r) => r.status === 201).map((r) => r.body.addressId)).size).toBe(10)
    const other = await memberWith(0)
    const stolen = await api.http.post('/api/me/addresses/a3/delete').set(bearer(other.accessToken)).send({})
    expect(stolen.status).toBe(404)
    expect((await api.http.post('/api/me/addresses/a3/delete').set(bearer(m.accessToken)).send({})).status).toBe(200)
    const again = await api.http.post('/api/me/addresses').set(bearer(m.accessToken)).send(address)
    expect([again.status, again.body.addressId]).toEqual([201, 'a3'])
  })

  it('a 限时兑换 window of 20-way rounds never sells more than its stock; each winner paid once', async () => {
    const stock = 5
    const id = await createGift(api, operator, { stock, availableTo: new Date(Date.now() + 3_600_000).toISOString() })
    const crowd = await Promise.all(Array.from({ length: 24 }, () => memberWith(200)))
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(crowd.map((m) => redeemGift(api, m, id)))
      const won = results.filter((r) => r.status === 200)
      expect(results.filter((r) => r.status >= 500)).toHaveLength(0)
      expect(won.length).toBe(round === 0 ? stock : 0)
      for (const r of results.filter((x) => x.status !== 200))
        expect(['GIFT.SOLD_OUT', 'GIFT.LIMIT_REACHED']).toContain(r.body.error.code)
    }
    const m = pointsMallModels(api.conn)
    expect(await m.Slot.countDocuments({ giftId: id }).exec()).toBe(stock)
    const balances = await Promise.all(crowd.map((c) => balance(api, c)))
    expect(balances.filter((b) => b === 100)).toHaveLength(stock)
    expect(balances.filter((b) => b === 200)).toHaveLength(crowd.length - stock)
  })

  it(
    'one tap sent 20 times at once with one Idempotency-Key: ' + 'one redemption, one payment, the same answer',
    async () => {
      const id = await createGift(api, operator, { stock: 50, perMemberLimit: 5, pricePoints: 40 })
      const m = await memberWith(400)
      const send = () =>
        api.http
          .post(`/api/mall/gifts/${id}/redeem`)
          .set(bearer(m.accessToken))
          .set('Idempotency-Key', 'tap-1234567890')
          .send({ fulfilment: 'pickup' })
      const results = await Promise.all(Array.from({ length: 20 }, send))
      expect(results.filter((r) => r.status >= 500)).toHaveLength(0)
      const done = results.filter((r) => r.status === 200)
      expect(done.length).toBeGreaterThanOrEqual(1)
      expect(new Set(done.map((r) => r.body.redemptionId)).size).toBe(1)
      for (const r of results.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('IDEMPOTENCY.IN_FLIGHT')
      expect((await send()).body.redemptionId).toBe(done[0]!.body.redemptionId)
      expect(await balance(api, m)).toBe(360)
      expect(await ledgerEntries(m.member.memberId)).toBe(1)
    },
  )

  it('one member’s 20 concurrent redemptions with a limit of 2: two slots, two payments', async () => {
    const id = await createGift(api, operator, { stock: 50, perMemberLimit: 2, pricePoints: 10 })
    const m = await memberWith(1000)
    const results = await Promise.all(Array.from({ length: 20 }, () => redeemGift(api, m, id)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(2)
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0)
    expect(await balance(api, m)).toBe(980)
    expect(await ledgerEntries(m.member.memberId)).toBe(2)
  })
})
