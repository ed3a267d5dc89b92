import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { award, scan } from '../support/points-helpers'
import { migrate } from '../../server/src/db/migrations'
import { MIGRATIONS } from '../../server/src/db/migration-list'
import {
  campaignsBeforeTheRows,
  couponPointersBeforeTheCouponId,
  couponUsesBeforeTheChain,
  killSwitchesBeforeTheChain,
  purchasesBeforeChannels,
} from '../../server/src/db/migrate-chain-rows'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'

/**
 * Rows in the shapes written before the state-transition chains, as a database from an earlier release
 * holds them: each migration (db/migrate-chain-rows.ts) run twice gives them the chain's rows, and the
 * code, which reads only the chains, then serves them as it served them before.
 */
let api: TestApi
let operator: string
const day = 86400_000

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('MG')
  operator = (await api.loginStaff('op-mig', 'operator', null)).accessToken
})
afterAll(() => api.stop())

const twice = async (up: (conn: TestApi['conn']) => Promise<void>) => {
  await up(api.conn)
  await up(api.conn)
}
const col = (name: string) => api.conn.collection<{ _id: string; [k: string]: unknown }>(name)

describe('data migrations of the shapes from before the chains', () => {
  it('are in the list the deploy runs, after the ones before them', () => {
    const ids = MIGRATIONS.map((m) => m.id)
    expect(ids).toEqual([...ids].sort())
    expect(ids).toEqual(
      expect.arrayContaining([
        '2026-12-06-02-coupon-uses-before-the-chain',
        '2026-12-06-03-kill-switches-before-the-chain',
        '2026-12-06-04-campaigns-before-the-rows',
        '2026-12-06-05-coupon-pointers-before-the-coupon-id',
        '2026-12-06-06-purchases-before-channels',
      ]),
    )
  })

  it('gives a coupon redeemed before the chain its first use, logged once, which a manager can undo', async () => {
    const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 2 })
    const m = await api.loginMember('mig-coupon')
    const couponId = (await claim(api, m.accessToken, tid)).body.couponId as string
    const at = new Date(api.clock.now().getTime() - 3600_000)
    // The old shape: the coupon row says redeemed (no `chain`), the log has a row with a random id.
    await col('coupons').updateOne(
      { _id: couponId },
      { $set: { state: 'redeemed', redeemedAt: at, redeemedBy: 'old-clerk', redeemedStoreId: 'MG' } },
    )
    await col('coupon_redemption_log').insertOne({
      _id: 'old-random-id',
      couponId,
      action: 'redeem',
      staffId: 'old-clerk',
      storeId: 'MG',
      at,
    })
    await twice(couponUsesBeforeTheChain)
    const log = await col('coupon_redemption_log').find({ couponId }).toArray()
    expect(log).toEqual([
      { _id: `${couponId}:use1`, couponId, action: 'redeem', staffId: 'old-clerk', storeId: 'MG', at, settled: true },
    ])
    expect(await col('coupons').findOne({ _id: couponId })).toMatchObject({ state: 'redeemed', chain: 1 })
    const mine = await api.http.get('/api/me/coupons?status=used').set(bearer(m.accessToken))
    expect(mine.body.items.map((c: { couponId: string }) => c.couponId)).toEqual([couponId])
    const undo = await api.http.post(`/api/staff/coupons/${encodeURIComponent(couponId)}/undo`).set(bearer(operator))
    expect(undo.status).toBe(200)
    expect(undo.body.status).toBe('unused')
    expect(await col('coupon_redemption_log').countDocuments({ _id: `${couponId}:undo1` })).toBe(1)
  })

  it('takes a redemption with no old log row from the coupon row itself', async () => {
    const tid = await createTemplate(api, operator, { stock: null })
    const m = await api.loginMember('mig-coupon-bare')
    const couponId = (await claim(api, m.accessToken, tid)).body.couponId as string
    const at = new Date(api.clock.now().getTime() - 7 * day)
    await col('coupons').updateOne(
      { _id: couponId },
      { $set: { state: 'redeemed', redeemedAt: at, redeemedBy: 'older-clerk', redeemedStoreId: 'MG' } },
    )
    await twice(couponUsesBeforeTheChain)
    expect(await col('coupon_redemption_log').findOne({ _id: `${couponId}:use1` })).toMatchObject({
      staffId: 'older-clerk',
      storeId: 'MG',
      at,
    })
    const { Coupon } = couponModels(api.conn)
    expect(await Coupon.findById(couponId).lean()).toMatchObject({ redeemedBy: 'older-clerk', chain: 1 })
  })

  it('gives a kill switch thrown before the chain its first row: it can be resumed, then killed again', async () => {
    const { earning } = (await api.http.get('/api/ops/rules').set(bearer(operator))).body
    const campaign = {
      id: 'mig-kill',
      name: '双倍积分日',
      multiplierPermille: 2000,
      when: { kind: 'date', value: new Date(api.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10) },
      storeIds: ['MG'],
      budgetPoints: 0,
      budgetPeriod: 'total',
    }
    const put = await api.http
      .put('/api/ops/rules')
      .set(bearer(operator))
      .send({ section: 'earning', value: { ...earning, version: undefined, campaigns: [campaign] }, note: 'test' })
    expect(put.status).toBe(200)
    const at = new Date(api.clock.now().getTime() - day)
    await col('points_campaign_controls').insertOne({ _id: 'mig-kill', killed: true, by: 'op-old', at, note: '旧开关' })
    await twice(killSwitchesBeforeTheChain)
    expect(await col('points_campaign_switches').findOne({ _id: 'mig-kill:s1' })).toMatchObject({
      killed: true,
      by: 'op-old',
      note: '旧开关',
    })
    const ops = (path: string) => api.http.post(`/api/ops/points-campaigns/mig-kill/${path}`).set(bearer(operator))
    expect((await ops('kill').send({})).status).toBe(409)
    expect((await ops('resume').send({})).body.status).toBe('running')
    expect((await ops('kill').send({ note: '再停' })).body.status).toBe('killed')
  })

  it('gives campaigns activated before the rows the row of their status; a draft stays without', async () => {
    const t = api.clock.now().getTime()
    const input = (name: string) => ({
      name,
      kind: 'birthday_gift',
      segmentId: null,
      reward: { points: 50, couponTemplateId: null },
      budget: { maxGrants: 10 },
      startsAt: new Date(t - day).toISOString(),
      endsAt: new Date(t + 30 * day).toISOString(),
    })
    const ids: Record<string, string> = {}
    for (const status of ['draft', 'active', 'paused_budget', 'killed']) {
      const created = await api.http.post('/api/ops/campaigns').set(bearer(operator)).send(input(status))
      expect(created.body).toMatchObject({ id: expect.any(String) })
      ids[status] = created.body.id
      // The old shape: the status alone, no transition rows.
      if (status !== 'draft')
        await col('campaigns').updateOne(
          { _id: created.body.id },
          { $set: { status, ...(status === 'active' ? {} : { stoppedBy: 'op-old', stoppedAt: new Date(t) }) } },
        )
    }
    await twice(campaignsBeforeTheRows)
    const rows = await col('campaign_transitions')
      .find({ campaignId: { $in: Object.values(ids) } })
      .toArray()
    expect(rows.map((r) => r._id).sort()).toEqual(
      [`${ids.active}:activate`, `${ids.paused_budget}:budget`, `${ids.killed}:kill`].sort(),
    )
    const list = (await api.http.get('/api/ops/campaigns').set(bearer(operator))).body.items
    for (const [status, id] of Object.entries(ids))
      expect(list.find((c: { id: string }) => c.id === id)).toMatchObject({ status })
    expect((await api.http.post(`/api/ops/campaigns/${ids.killed}/kill`).set(bearer(operator)).send({})).status).toBe(
      409,
    )
  })

  it("fills an old coupon-book pointer's coupon by its claim, or marks it failed", async () => {
    const tid = await createTemplate(api, operator, { stock: null, perMemberLimit: 3 })
    const m = await api.loginMember('mig-book')
    const first = (await claim(api, m.accessToken, tid)).body.couponId as string
    const memberId = m.member.memberId
    const coupon = await col('coupons').findOne({ _id: first })
    // Two pointers of the old shape after the first: one whose claim got its slot, one whose claim did not.
    await col('coupons').insertOne({ ...coupon!, _id: `${tid}#999`, slot: 999, ordinal: 2, claimId: 'old-claim' })
    const pointer = { memberId, templateId: tid, couponId: null, failed: false, at: api.clock.now() }
    await col('coupon_book').insertOne({ _id: `${memberId}:2`, claimId: 'old-claim', ...pointer })
    await col('coupon_book').insertOne({ _id: `${memberId}:3`, claimId: 'lost-claim', ...pointer })
    await twice(couponPointersBeforeTheCouponId)
    expect(await col('coupon_book').findOne({ _id: `${memberId}:2` })).toMatchObject({ couponId: `${tid}#999` })
    expect(await col('coupon_book').findOne({ _id: `${memberId}:3` })).toMatchObject({ couponId: null, failed: true })
    const again = await api.loginMember('mig-book')
    const mine = await api.http.get('/api/me/coupons?status=unused').set(bearer(again.accessToken))
    expect(mine.body.items.map((c: { couponId: string }) => c.couponId).sort()).toEqual([first, `${tid}#999`].sort())
  })

  it("gives purchases recorded before channels the till's, which the channel mix then counts", async () => {
    const clerk = (await api.loginStaff('mig-clerk', 'clerk', 'MG')).accessToken
    const m = await api.loginMember('mig-buyer')
    const res = await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'MIG-1', amountFen: 88_00 })
    expect(res.status).toBe(200)
    await col('purchases').updateOne({ receiptNo: 'MIG-1' }, { $unset: { channel: '' } })
    await twice(purchasesBeforeChannels)
    expect(await col('purchases').findOne({ receiptNo: 'MIG-1' })).toMatchObject({ channel: 'till' })
    const day = new Date(api.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    const mix = await api.http.get(`/api/ops/channel-mix?from=${day}&to=${day}&storeId=MG`).set(bearer(operator))
    expect(mix.status).toBe(200)
    expect(mix.body.rows).toContainEqual(
      expect.objectContaining({ channel: 'till', label: '门店扫码', purchases: 1, salesFen: 88_00 }),
    )
  })

  it('run through the runner once, a second run applying nothing', async () => {
    const ran = await migrate(api.conn, MIGRATIONS)
    expect(ran).toEqual(MIGRATIONS.map((m) => m.id))
    expect(await migrate(api.conn, MIGRATIONS)).toEqual([])
  })
})
