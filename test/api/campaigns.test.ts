import type { CampaignInput } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { createTemplate } from '../support/coupon-helpers'
import { balanceOf } from '../support/points-helpers'
import { campaignModels } from '../../server/src/modules/campaigns/campaign.model'

let api: TestApi
let operator: string
let clerk: string

beforeAll(async () => {
  api = await startTestApi()
  await api.addStore('CS')
  operator = (await api.loginStaff('op-camp', 'operator', null)).accessToken
  clerk = (await api.loginStaff('clerk-camp', 'clerk', 'CS')).accessToken
})
afterAll(() => api.stop())

const day = 86400_000
function campaign(over: Partial<CampaignInput> = {}): CampaignInput {
  const t = api.clock.now().getTime()
  return {
    name: '测试活动',
    kind: 'coupon_drop',
    segmentId: null,
    reward: { points: 50, couponTemplateId: null },
    budget: { maxGrants: 10 },
    startsAt: new Date(t - day).toISOString(),
    endsAt: new Date(t + 30 * day).toISOString(),
    ...over,
  }
}
const ops = (method: 'get' | 'post', path: string) =>
  api.http[method](`/api/ops/campaigns${path}`).set(bearer(operator))
async function createActive(input: CampaignInput): Promise<string> {
  const created = await ops('post', '').send(input)
  expect(created.status).toBe(201)
  expect((await ops('post', `/${created.body.id}/activate`).send({})).status).toBe(200)
  return created.body.id
}
/** A saved segment of the members carrying `tag` (tags are the operator's own lists). */
async function taggedSegment(tag: string, memberIds: string[]): Promise<string> {
  for (const id of memberIds) await api.ctx.services.memberDirectory.changeTags(id, [tag], [])
  const seg = await api.ctx.services.segments.create(
    { name: `分群-${tag}`, description: '', definition: { tagsAny: [tag] }, note: '' },
    'op-camp',
    api.clock.now(),
  )
  return seg.id
}
const shanghaiMonth = () => new Date(api.clock.now().getTime() + 8 * 3600_000).toISOString().slice(5, 7)

describe('birthday gift', () => {
  it(
    "gives members whose birthday month it is their tier's " + 'birthday points, once a year; a birthday is set once',
    async () => {
      const month = shanghaiMonth()
      const otherMonth = month === '06' ? '07' : '06'
      const born = await api.loginMember('bday-now')
      const later = await api.loginMember('bday-other')
      await api.loginMember('bday-none')
      expect(
        (
          await api.http
            .post('/api/me/birthday')
            .set(bearer(born.accessToken))
            .send({ birthday: `1990-${month}-01` })
        ).status,
      ).toBe(200)
      expect(
        (
          await api.http
            .post('/api/me/birthday')
            .set(bearer(later.accessToken))
            .send({ birthday: `1991-${otherMonth}-15` })
        ).status,
      ).toBe(200)
      const again = await api.http
        .post('/api/me/birthday')
        .set(bearer(born.accessToken))
        .send({ birthday: `1990-${otherMonth}-01` })
      expect(again.status).toBe(409)
      expect(again.body.error.code).toBe('MEMBER.BIRTHDAY_ALREADY_SET')
      for (const bad of ['1990-02-30', '2999-01-01', '90-1-1', 19900101]) {
        expect(
          (await api.http.post('/api/me/birthday').set(bearer(later.accessToken)).send({ birthday: bad })).status,
        ).toBe(400)
      }
      expect((await api.http.get('/api/me/card').set(bearer(born.accessToken))).body.birthday).toBe(`1990-${month}-01`)

      const before = await balanceOf(api, born)
      const laterBefore = await balanceOf(api, later)
      const input = campaign({
        name: '生日礼',
        kind: 'birthday_gift',
        reward: { points: null, couponTemplateId: null },
      })
      const sim = await ops('post', '/simulate').send(input)
      expect(sim.status).toBe(200)
      expect(sim.body).toMatchObject({
        matched: 1,
        alreadyGranted: 0,
        wouldGrant: 1,
        points: 100,
        pointsValueFen: 100,
        coupons: 0,
      }) // tier 1 benefit: 100 points
      const id = await createActive(input)
      expect((await ops('post', `/${id}/run`).send({})).body).toMatchObject({
        granted: 1,
        skipped: 0,
        status: 'active',
      })
      expect(await balanceOf(api, born)).toBe(before + 100)
      expect(await balanceOf(api, later)).toBe(laterBefore)
      // The hourly job runs it again: nothing more this year.
      await api.http.post('/api/ops/jobs/run-campaigns').set(bearer(operator)).send({})
      expect(await balanceOf(api, born)).toBe(before + 100)
      expect((await ops('post', `/${id}/simulate`).send({})).body).toMatchObject({
        matched: 1,
        alreadyGranted: 1,
        wouldGrant: 0,
      })
      const entries = await api.http.get('/api/me/wallet/entries?limit=5').set(bearer(born.accessToken))
      expect(JSON.stringify(entries.body)).toContain('生日礼积分')
    },
  )
})

describe('targeted coupon drop', () => {
  it(
    'drops a coupon from a paused template to a segment, never ' +
      'past the budget even when two runs race, then pauses itself',
    async () => {
      const members = await Promise.all([1, 2, 3, 4, 5].map((i) => api.loginMember(`drop-${i}`)))
      const segmentId = await taggedSegment(
        'drop-vip',
        members.map((m) => m.member.memberId),
      )
      const templateId = await createTemplate(api, operator, { name: '定向券', stock: 100, perMemberLimit: 1 })
      // Kept out of the coupon centre: only the campaign hands it out.
      expect(
        (
          await api.http
            .post(`/api/ops/coupon-templates/${templateId}/status`)
            .set(bearer(operator))
            .send({ status: 'paused' })
        ).status,
      ).toBe(200)
      const input = campaign({
        name: 'VIP定向券',
        segmentId,
        reward: { points: 20, couponTemplateId: templateId },
        budget: { maxGrants: 3 },
      })
      const sim = (await ops('post', '/simulate').send(input)).body
      expect(sim).toMatchObject({
        matched: 5,
        wouldGrant: 3,
        budgetLeft: 3,
        points: 60,
        coupons: 3,
        couponStockLeft: 100,
      })
      expect(sim.warnings.join()).toContain('预算不足')
      const id = await createActive(input)
      const balances = new Map(
        await Promise.all(members.map(async (m) => [m.member.memberId, await balanceOf(api, m)] as const)),
      )

      const [a, b] = await Promise.all([ops('post', `/${id}/run`).send({}), ops('post', `/${id}/run`).send({})])
      expect(a.body.granted + b.body.granted).toBe(3)
      const grants = await campaignModels(api.conn).Grant.find({ campaignId: id }).lean()
      expect(grants).toHaveLength(3)
      expect(new Set(grants.map((g) => g.memberId)).size).toBe(3)
      expect(grants.every((g) => g.state === 'rewarded' && g.couponId)).toBe(true)
      const view = (await ops('get', '').send()).body.items.find((c: { id: string }) => c.id === id)
      expect(view).toMatchObject({ status: 'paused_budget', grants: 3, stoppedBy: 'budget' })
      // The members got the coupon in "my coupons" and 20 points.
      const winner = members.find((m) => m.member.memberId === grants[0]!.memberId)!
      const mine = await api.http.get('/api/me/coupons?status=unused').set(bearer(winner.accessToken))
      expect(mine.body.items.map((c: { templateId: string }) => c.templateId)).toContain(templateId)
      expect(await balanceOf(api, winner)).toBe(balances.get(winner.member.memberId)! + 20)
      // Paused by the budget: a further run grants nothing.
      expect((await ops('post', `/${id}/run`).send({})).body).toMatchObject({ granted: 0, status: 'paused_budget' })
      const listed = (await ops('get', `/${id}/grants`).send()).body.items
      expect(listed).toHaveLength(3)
    },
  )

  it('stops at once with the kill switch', async () => {
    const members = await Promise.all([1, 2].map((i) => api.loginMember(`kill-${i}`)))
    const segmentId = await taggedSegment(
      'kill-me',
      members.map((m) => m.member.memberId),
    )
    const id = await createActive(campaign({ name: '召回礼', kind: 'win_back', segmentId }))
    const killed = await ops('post', `/${id}/kill`).send({})
    expect(killed.body).toMatchObject({ status: 'killed', stoppedBy: expect.any(String) })
    expect((await ops('post', `/${id}/run`).send({})).body).toMatchObject({ granted: 0, status: 'killed' })
    expect((await ops('post', `/${id}/kill`).send({})).status).toBe(409)
    expect((await ops('post', `/${id}/activate`).send({})).status).toBe(409)
    expect(await campaignModels(api.conn).Grant.countDocuments({ campaignId: id })).toBe(0)
  })

  it('keeps a campaign killed whatever activations and kills race it (20 at once, several rounds)', async () => {
    const members = await Promise.all([1].map((i) => api.loginMember(`kill-race-${i}`)))
    const segmentId = await taggedSegment(
      'kill-race',
      members.map((m) => m.member.memberId),
    )
    for (let round = 0; round < 3; round++) {
      const created = await ops('post', '').send(campaign({ name: `竞态${round}`, kind: 'win_back', segmentId }))
      const id = created.body.id
      const actions = Array.from({ length: 20 }, (_, i) => ((i + round) % 2 ? 'kill' : 'activate'))
      const results = await Promise.all(actions.map((action) => ops('post', `/${id}/${action}`).send({})))
      const won = (action: string) => results.filter((r, i) => actions[i] === action && r.status === 200).length
      expect(won('kill')).toBe(1)
      expect(won('activate')).toBeLessThanOrEqual(1)
      for (const r of results) expect([200, 409]).toContain(r.status)
      expect((await ops('get', '').send()).body.items.find((c: { id: string }) => c.id === id).status).toBe('killed')
      expect((await ops('post', `/${id}/run`).send({})).body).toMatchObject({ granted: 0, status: 'killed' })
    }
  })

  it('refuses unsuitable set-ups with clear codes and changes nothing', async () => {
    const count = await campaignModels(api.conn).Campaign.countDocuments()
    const twoPerMember = await createTemplate(api, operator, { perMemberLimit: 2 })
    const seg = await taggedSegment('setup', [])
    const cases: [Partial<CampaignInput> | Record<string, unknown>, number, string?][] = [
      [{ segmentId: null }, 400],
      [{ reward: { points: 0, couponTemplateId: null }, segmentId: seg }, 400],
      [{ segmentId: 'no-such-segment' }, 404, 'SEGMENT.NOT_FOUND'],
      [{ segmentId: seg, reward: { points: null, couponTemplateId: twoPerMember } }, 422, 'CAMPAIGN.COUPON_UNSUITABLE'],
      [{ segmentId: seg, reward: { points: 10, couponTemplateId: '999999' } }, 404, 'COUPON.NOT_FOUND'],
      [{ segmentId: seg, endsAt: new Date(0).toISOString() }, 400],
      [{ segmentId: seg, budget: { maxGrants: 0 } }, 400],
      [{ segmentId: seg, status: 'active' }, 400],
    ]
    for (const [over, status, code] of cases) {
      const res = await ops('post', '').send({ ...campaign(), ...over })
      expect([over, res.status]).toEqual([over, status])
      if (code) expect(res.body.error.code).toBe(code)
    }
    expect(
      (
        await api.http
          .post('/api/ops/campaigns')
          .set(bearer(clerk))
          .send(campaign({ segmentId: seg }))
      ).status,
    ).toBe(403)
    expect((await ops('post', '/cdeadbeef/run').send({})).status).toBe(404)
    expect(await campaignModels(api.conn).Campaign.countDocuments()).toBe(count)
  })

  it('the sweeper finishes a grant whose reward a crash interrupted, once', async () => {
    const m = await api.loginMember('camp-crash')
    const segmentId = await taggedSegment('crash', [m.member.memberId])
    const id = await createActive(campaign({ segmentId, reward: { points: 30, couponTemplateId: null } }))
    const before = await balanceOf(api, m)
    // Crash after the budget slot was taken, before the points were posted.
    await campaignModels(api.conn).Grant.collection.insertOne({
      _id: `${id}#1`,
      campaignId: id,
      slot: 1,
      memberId: m.member.memberId,
      memberKey: `${m.member.memberId}:once`,
      state: 'granted',
      points: 30,
      couponId: null,
      couponRefusal: null,
      at: api.clock.now(),
    } as never)
    // the member is already granted
    expect((await ops('post', `/${id}/run`).send({})).body).toMatchObject({ granted: 0, skipped: 0 })
    api.clock.advance(31_000)
    try {
      expect(await api.ctx.jobs.sweepCampaignGrants(api.clock.now())).toBe(1)
      expect(await api.ctx.jobs.sweepCampaignGrants(api.clock.now())).toBe(0)
      const again = await api.loginMember('camp-crash')
      expect(await balanceOf(api, again)).toBe(before + 30)
    } finally {
      api.clock.advance(-31_000)
    }
  })
})
