import type { Response } from 'supertest'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { buildWorld, type World } from '../support/fixtures'
import { createGift, givePoints, redeemGift } from '../support/mall-helpers'
import { ROUTES, type Principal, type RouteCase } from '../support/route-table'
import { memberModels } from '../../server/src/modules/members/member.model'
import { auditModel, type AuditDoc } from '../../server/src/modules/audit/audit.model'

/**
 * Members' personal data as staff and operators get it (docs/privacy-security.md): names, phone numbers and
 * birthdays masked in every staff and console answer; an operator sees one field in clear only by giving a
 * reason, and the reveal is in the audit log before the value is answered; segment exports are recorded and
 * carry the operator in the file.
 */
jest.setTimeout(180_000)

const NAME = '张三明测'
const PHONE = '13812345678'
const BIRTHDAY = '1987-11-23'
const STREET = '南京西路 1266 号'
const CLEAR_VALUES = [NAME, PHONE, BIRTHDAY, '1987-11', '南京西路']
const REVEAL = 'POST /api/ops/members/:id/reveal'
const EXPORT = 'POST /api/ops/segments/:id/export'
const ADDRESS = 'POST /api/ops/mall/redemptions/:id/reveal-address'
const STAFF: Principal[] = ['operator', 'managerX', 'clerkX', 'clerkY']

let api: TestApi
let world: World
let memberId: string
/** member A's gift redemption for delivery, to the address above */
let deliveryId: string
beforeAll(async () => {
  api = await startTestApi()
  // Member A (the route table's member) with a name, then a phone and a birthday by the member's own flows
  // (which also drop the service's cached row, so every later read sees all three)
  const member = await api.loginMember('matrix-a')
  memberId = member.member.memberId
  await memberModels(api.conn)
    .Member.updateOne({ _id: memberId }, { $set: { nickname: NAME } })
    .exec()
  const asMember = bearer(member.accessToken)
  expect(
    (
      await api.http
        .post('/api/me/phone')
        .set(asMember)
        .send({ code: api.wechat.phoneCode(PHONE) })
    ).status,
  ).toBe(200)
  expect((await api.http.post('/api/me/birthday').set(asMember).send({ birthday: BIRTHDAY })).status).toBe(200)
  world = await buildWorld(api)
  expect(world.fixtures.memberIdA).toBe(memberId)
  const giftId = await createGift(api, world.tokens.operator!, { fulfilment: ['delivery'], pricePoints: 20 })
  await givePoints(api, member, 100, 'personal-data')
  const address = { name: NAME, phone: PHONE, region: '上海市 静安区', detail: STREET }
  const saved = await api.http.post('/api/me/addresses').set(asMember).send(address)
  const redeemed = await redeemGift(api, member, giftId, { fulfilment: 'delivery', addressId: saved.body.addressId })
  expect(redeemed.status).toBe(200)
  deliveryId = redeemed.body.redemptionId
})
afterAll(() => api.stop())

const operatorToken = () => world.tokens.operator!
/** The answer as text: JSON, CSV, or the bytes of an image (where a clear value would show as UTF-8 too) */
const text = (res: Response): string =>
  res.type === 'application/json'
    ? JSON.stringify(res.body)
    : (res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : ''))
const reveal = (token: string, body: Record<string, unknown>, id = memberId) =>
  api.http.post(`/api/ops/members/${id}/reveal`).set(bearer(token)).send(body)
const auditRows = (filter: Record<string, unknown>) => auditModel(api.conn).find(filter).lean<AuditDoc[]>().exec()

function send(route: RouteCase, token: string, body?: Record<string, unknown>) {
  const path = route.path(world.fixtures)
  const req =
    route.method === 'GET' ? api.http.get(path) : route.method === 'PUT' ? api.http.put(path) : api.http.post(path)
  req.set(bearer(token))
  if (route.headers) req.set(route.headers())
  return route.method === 'GET' ? req : req.send(body ?? {})
}

describe('personal data masked for staff and operators', () => {
  it('no staff or console answer carries a member name, phone number or birthday in clear', async () => {
    const checked: string[] = []
    for (const route of ROUTES) {
      const name = `${route.method} ${route.path(world.fixtures)}`
      if (name.includes('/reveal')) continue
      const callers = route.allow.filter((p) => STAFF.includes(p))
      // reads by every staff role allowed; writes once, by the first
      for (const principal of route.method === 'GET' ? callers : callers.slice(0, 1)) {
        const body = route.body ? await route.body(world.fixtures) : undefined
        const res = await send(route, world.tokens[principal]!, body)
        const answer = text(res)
        for (const clear of CLEAR_VALUES)
          if (answer.includes(clear)) throw new Error(`${name} as ${principal} answered ${clear} in clear`)
        checked.push(`${principal} ${name} ${res.status}`)
      }
    }
    // the walk reached the member pages and the till's scan, where names used to be answered in clear
    const detail = checked.find((c) => c.startsWith(`operator GET /api/ops/members/${memberId} `))
    expect(detail).toMatch(/ 200$/)
    expect(checked.find((c) => c.includes('/api/staff/member-code/resolve'))).toMatch(/ 200$/)
    expect(checked.length).toBeGreaterThan(100)
  })

  it('shows the masks on the member page, in search and at the till', async () => {
    const detail = await api.http.get(`/api/ops/members/${memberId}`).set(bearer(operatorToken()))
    expect(detail.status).toBe(200)
    expect(detail.body).toMatchObject({ nickname: '张**测', phoneMasked: '138****5678', birthdayMasked: '198*-**-**' })
    expect(detail.body).not.toHaveProperty('birthdayMonth')
    // operators still find a member by the clear name; the row they get is masked
    const found = await api.http.get(`/api/ops/members?q=${encodeURIComponent('三明')}`).set(bearer(operatorToken()))
    expect(found.body.items).toEqual([expect.objectContaining({ memberId, nickname: '张**测' })])
  })
})

describe('revealing one field', () => {
  it('answers an operator with a reason the clear value and records who, when, member, field, reason', async () => {
    const before = api.clock.now()
    const res = await reveal(operatorToken(), { field: 'phone', reason: '会员来电核实身份' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ memberId, field: 'phone', value: PHONE, revealedAt: expect.any(String) })
    const rows = await auditRows({ action: REVEAL, staffId: 'matrix-operator', outcome: 'ok' })
    const row = rows.find((r) => r.target.field === 'phone' && r.target.reason === '会员来电核实身份')
    expect(row).toMatchObject({
      role: 'operator',
      target: { id: memberId, field: 'phone', reason: '会员来电核实身份' },
    })
    expect(new Date(row!.at).getTime()).toBeGreaterThanOrEqual(before.getTime())

    for (const [field, value] of [
      ['nickname', NAME],
      ['birthday', BIRTHDAY],
    ] as const) {
      const r = await reveal(operatorToken(), { field, reason: '服务台核对生日礼' })
      expect(r.body).toMatchObject({ field, value })
    }
    // the console's audit page lists the reveal with the member's masked phone
    const page = await api.http.get(`/api/ops/audit?action=${encodeURIComponent(REVEAL)}`).set(bearer(operatorToken()))
    expect(page.body.items[0]).toMatchObject({ action: REVEAL, memberPhoneMasked: '138****5678' })
    expect(JSON.stringify(page.body)).not.toContain(PHONE)
  })

  it('refuses without a reason, with a short one, for an unknown field or member, and for other roles', async () => {
    const refusals: [string, Response, number][] = [
      ['no reason', await reveal(operatorToken(), { field: 'phone' }), 400],
      ['blank reason', await reveal(operatorToken(), { field: 'phone', reason: '    ' }), 400],
      ['short reason', await reveal(operatorToken(), { field: 'phone', reason: '看看' }), 400],
      ['unknown field', await reveal(operatorToken(), { field: 'openid', reason: '会员来电核实' }), 400],
      ['unknown member', await reveal(operatorToken(), { field: 'phone', reason: '会员来电核实' }, '99999999'), 404],
      ['store manager', await reveal(world.tokens.managerX!, { field: 'phone', reason: '会员来电核实' }), 403],
      ['clerk', await reveal(world.tokens.clerkX!, { field: 'phone', reason: '会员来电核实' }), 403],
      ['member', await reveal(world.tokens.memberA!, { field: 'phone', reason: '会员来电核实' }), 401],
    ]
    for (const [why, res, status] of refusals) {
      expect({ why, status: res.status }).toEqual({ why, status })
      expect(res.body.error.code).toEqual(expect.any(String))
      expect(text(res)).not.toContain(PHONE)
    }
    // refused attempts are in the log as refused, never as reveals
    const refused = await auditRows({ action: REVEAL, outcome: 'VALIDATION.FAILED' })
    expect(refused.length).toBeGreaterThanOrEqual(4)
    expect(await auditRows({ action: REVEAL, outcome: 'AUTH.FORBIDDEN' })).toHaveLength(2)
    expect(await auditRows({ action: REVEAL, outcome: 'ok', 'target.id': '99999999' })).toHaveLength(0)
  })

  it('20 concurrent reveals make 20 audit rows; over the limit nothing is answered or recorded', async () => {
    const racer = (await api.loginStaff('pd-racer', 'operator', null)).accessToken
    const round = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reveal(racer, { field: 'phone', reason: `并发核实 第${i}次` })),
    )
    expect(round.map((r) => r.status)).toEqual(Array(20).fill(200))
    const rows = await auditRows({ action: REVEAL, staffId: 'pd-racer', outcome: 'ok' })
    expect(rows.map((r) => r.target.reason).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `并发核实 第${i}次`).sort(),
    )

    // 30 per operator per 10 minutes (wall-clock windows): a second round of 15 gets 10 through
    const limited = await Promise.all(
      Array.from({ length: 15 }, (_, i) => reveal(racer, { field: 'nickname', reason: `超出上限 第${i}次` })),
    )
    const ok = limited.filter((r) => r.status === 200)
    const refused = limited.filter((r) => r.status === 429)
    expect(ok.length + refused.length).toBe(15)
    expect(ok).toHaveLength(10)
    for (const r of refused) expect(text(r)).not.toContain(NAME)
    expect(await auditRows({ action: REVEAL, staffId: 'pd-racer', outcome: 'ok' })).toHaveLength(30)
  })
})

describe('exporting a segment', () => {
  const exportAs = (token: string, body: Record<string, unknown>) =>
    api.http.post(`/api/ops/segments/${world.fixtures.segmentId}/export`).set(bearer(token)).send(body)

  it('is masked, names the operator and the time in its first line, and is recorded with its row count', async () => {
    const res = await exportAs(operatorToken(), {})
    expect(res.status).toBe(200)
    expect(res.type).toBe('text/csv')
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n')
    expect(lines[0]).toMatch(/^导出人：运营 .*（账号 matrix-operator）；导出时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/)
    expect(lines[0]).toContain('个人信息：已脱敏')
    expect(lines[1]).toBe('会员号,昵称,手机号,生日,会员等级,入会时间')
    const rowA = lines.find((l) => l.startsWith(`${memberId},`))
    expect(rowA).toMatch(new RegExp(`^${memberId},张\\*\\*测,138\\*\\*\\*\\*5678,198\\*-\\*\\*-\\*\\*,`))
    for (const clear of CLEAR_VALUES) expect(res.text).not.toContain(clear)

    const rowCount = Number(res.headers['x-row-count'])
    expect(lines.filter((l) => /^\d/.test(l))).toHaveLength(rowCount)
    const [row] = await auditRows({ action: EXPORT, 'target.clear': false })
    expect(row).toMatchObject({
      staffId: 'matrix-operator',
      target: { id: world.fixtures.segmentId, name: '矩阵分群', rowCount, clear: false },
    })
  })

  it('20 concurrent exports by two operators: 20 files, 20 audit rows, each with its row count', async () => {
    const exporters = ['pd-exporter-a', 'pd-exporter-b']
    const tokens = await Promise.all(
      exporters.map(async (u) => (await api.loginStaff(u, 'operator', null)).accessToken),
    )
    const files = await Promise.all(Array.from({ length: 20 }, (_, i) => exportAs(tokens[i % 2]!, {})))
    expect(files.map((f) => f.status)).toEqual(Array(20).fill(200))
    const rows = (await Promise.all(exporters.map((staffId) => auditRows({ action: EXPORT, staffId })))).flat()
    expect(rows).toHaveLength(20)
    const counts = new Set(files.map((f) => Number(f.headers['x-row-count'])))
    for (const row of rows) expect(counts).toContain(row.target.rowCount)
  })

  it('is in clear only with a reason, and then the reason is recorded too', async () => {
    expect((await exportAs(operatorToken(), { reason: '导出' })).status).toBe(400)
    expect((await exportAs(world.tokens.managerX!, { reason: '门店回访会员' })).status).toBe(403)
    const res = await exportAs(operatorToken(), { reason: '会员节短信回访名单' })
    expect(res.status).toBe(200)
    expect(res.text.split('\r\n')[0]).toContain('个人信息：明文（原因：会员节短信回访名单）')
    expect(res.text).toContain(`${memberId},${NAME},${PHONE},${BIRTHDAY},`)
    const rows = await auditRows({ action: EXPORT, 'target.clear': true })
    expect(rows).toEqual([
      expect.objectContaining({ target: expect.objectContaining({ reason: '会员节短信回访名单' }) }),
    ])
  })
})

describe('delivery addresses of gift redemptions', () => {
  const revealAddress = (token: string, body: Record<string, unknown>, id = deliveryId) =>
    api.http.post(`/api/ops/mall/redemptions/${id}/reveal-address`).set(bearer(token)).send(body)

  it('are masked in the shipping queue and shown in clear for a reason, recorded', async () => {
    const queue = await api.http.get('/api/ops/mall/redemptions?status=pending_shipment').set(bearer(operatorToken()))
    const row = queue.body.items.find((r: { redemptionId: string }) => r.redemptionId === deliveryId)
    expect(row.address).toEqual({ name: '张**测', phone: '138****5678', region: '上海市 静安区', detail: '南京****' })

    expect((await revealAddress(operatorToken(), {})).status).toBe(400)
    expect((await revealAddress(world.tokens.managerX!, { reason: '门店核对收货地址' })).status).toBe(403)
    // a pickup has no address to reveal
    expect(
      (await revealAddress(operatorToken(), { reason: '核对收货地址' }, world.fixtures.giftRedemptionA)).status,
    ).toBe(404)
    const res = await revealAddress(operatorToken(), { reason: '打印快递面单' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      redemptionId: deliveryId,
      address: { name: NAME, phone: PHONE, region: '上海市 静安区', detail: STREET },
    })
    const rows = await auditRows({ action: ADDRESS, outcome: 'ok' })
    expect(rows).toEqual([
      expect.objectContaining({
        staffId: 'matrix-operator',
        target: { id: deliveryId, memberId, field: 'address', reason: '打印快递面单' },
      }),
    ])
  })

  it('20 concurrent address reveals by one operator are 20 audit rows', async () => {
    const shipper = (await api.loginStaff('pd-shipper', 'operator', null)).accessToken
    const round = await Promise.all(
      Array.from({ length: 20 }, (_, i) => revealAddress(shipper, { reason: `打印快递面单 第${i}张` })),
    )
    expect(round.map((r) => r.status)).toEqual(Array(20).fill(200))
    const rows = await auditRows({ action: ADDRESS, staffId: 'pd-shipper', outcome: 'ok' })
    expect(rows.map((r) => r.target.reason).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `打印快递面单 第${i}张`).sort(),
    )
  })
})
