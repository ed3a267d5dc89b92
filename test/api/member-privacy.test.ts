import { PRIVACY_GUIDE_VERSION, type MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { claim, createTemplate } from '../support/coupon-helpers'
import { PNG_1X1_DATA_URL, submitFeedback } from '../support/feedback-helpers'
import { photoAndSubmit } from '../support/receipt-photo-helpers'
import { privacyModels } from '../../server/src/modules/privacy/privacy.model'
import { memberModels } from '../../server/src/modules/members/member.model'
import { PrivacyService } from '../../server/src/modules/privacy/privacy.service'

jest.setTimeout(120_000)

let api: TestApi
let a: MemberLoginResponse
let b: MemberLoginResponse
let operator: string
let friend: MemberLoginResponse

beforeAll(async () => {
  api = await startTestApi()
  api.clock.set('2026-12-05T08:32:10.000Z')
  await api.addStore('PV1', '星巴克')
  api.ctx.services.receiptOcr.enabled = false
  a = await api.loginMember('pv-a')
  b = await api.loginMember('pv-b')
  operator = (await api.loginStaff('pv-operator', 'operator', null)).accessToken
})
afterAll(() => api.stop())

const consent = (m: MemberLoginResponse, version = PRIVACY_GUIDE_VERSION) =>
  api.http.post('/api/me/privacy/consent').set(bearer(m.accessToken)).send({ version })
const status = async (m: MemberLoginResponse) =>
  (await api.http.get('/api/me/privacy/consent').set(bearer(m.accessToken))).body
const exportOf = (m: MemberLoginResponse) => api.http.get('/api/me/data-export').set(bearer(m.accessToken))
const bindPhone = (m: MemberLoginResponse, phone: string) =>
  api.http
    .post('/api/me/phone')
    .set(bearer(m.accessToken))
    .send({ code: api.wechat.phoneCode(phone) })
const unbind = (m: MemberLoginResponse, body: unknown = { confirm: true }) =>
  api.http
    .post('/api/me/phone/unbind')
    .set(bearer(m.accessToken))
    .send(body as object)

describe('consent to the privacy guide', () => {
  it('asks at first login, records one row under 20 concurrent agreements, and answers the first time', async () => {
    const fresh = await api.loginMember('pv-consent')
    expect(await status(fresh)).toEqual({
      currentVersion: PRIVACY_GUIDE_VERSION,
      consentedVersion: null,
      consentedAt: null,
      required: true,
    })
    const answers = await Promise.all(Array.from({ length: 20 }, () => consent(fresh)))
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200))
    const rows = await privacyModels(api.conn).Consent.find({ memberId: fresh.member.memberId }).lean().exec()
    expect(rows).toHaveLength(1)
    const [row] = rows as [(typeof rows)[0]]
    expect(row._id).toBe(`${fresh.member.memberId}:${PRIVACY_GUIDE_VERSION}`)
    // every racer answers with the one agreement's time
    expect(new Set(answers.map((r) => r.body.consentedAt))).toEqual(new Set([row.at.toISOString()]))
    expect(await status(fresh)).toMatchObject({ consentedVersion: PRIVACY_GUIDE_VERSION, required: false })
  })

  it('refuses agreeing to a version that is not the one in effect (409, nothing written)', async () => {
    const res = await consent(a, '2020-01-01')
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('PRIVACY.VERSION_OUTDATED')
    expect(await privacyModels(api.conn).Consent.countDocuments({ memberId: a.member.memberId })).toBe(0)
    expect((await consent(a, { $ne: null } as never)).status).toBe(400)
  })

  it('asks again when the guide has a newer version', async () => {
    expect((await consent(a)).status).toBe(200)
    const next = new PrivacyService(privacyModels(api.conn), api.ctx.services.members, '2099-01-01')
    expect(await next.consentStatus(a.member.memberId)).toMatchObject({
      currentVersion: '2099-01-01',
      consentedVersion: PRIVACY_GUIDE_VERSION,
      required: true,
    })
    await next.consent(a.member.memberId, '2099-01-01', new Date(api.clock.now().getTime() + 60_000))
    expect(await next.consentStatus(a.member.memberId)).toMatchObject({
      consentedVersion: '2099-01-01',
      required: false,
    })
    await privacyModels(api.conn).Consent.deleteOne({ _id: `${a.member.memberId}:2099-01-01` })
  })
})

describe('我的数据 export', () => {
  beforeAll(async () => {
    const template = await createTemplate(api, operator, { name: '隐私测试券' })
    for (const m of [a, b]) {
      expect((await api.http.post('/api/me/checkin').set(bearer(m.accessToken)).send({})).status).toBeLessThan(300)
      expect((await claim(api, m.accessToken, template)).status).toBeLessThan(300)
      const text = m === a ? '甲的反馈：停车场太挤' : '乙的反馈：空调太冷'
      expect(
        (await submitFeedback(api, m.accessToken, { category: 'parking', text, photo: PNG_1X1_DATA_URL })).status,
      ).toBe(201)
      const receiptNo = m === a ? 'PVRECEIPTA1' : 'PVRECEIPTB1'
      const purchasedAt = '2026-12-05T15:00:00+08:00'
      const sub = await photoAndSubmit(api, m.accessToken, { storeId: 'PV1', receiptNo, amountFen: 88_00, purchasedAt })
      expect(sub.status).toBe(201)
    }
    await bindPhone(a, '13811112222')
    await bindPhone(b, '13933334444')
    await api.http.post('/api/me/birthday').set(bearer(a.accessToken)).send({ birthday: '1990-05-06' })
    // a friend A invited: A's export lists them masked, never their member number
    const { inviteCode } = (await api.http.get('/api/me/invites').set(bearer(a.accessToken))).body
    friend = (await api.http.post('/api/auth/dev-login').send({ devUser: 'pv-friend', inviter: inviteCode })).body
  })

  it('holds every section of the caller and nothing of another member', async () => {
    const res = await exportOf(a)
    expect(res.status).toBe(200)
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="my-data-\d{8}-2026-12-05\.json"$/)
    expect(res.headers['cache-control']).toBe('no-store')
    const data = res.body
    expect(Object.keys(data)).toEqual(
      expect.arrayContaining([
        'profile',
        'privacy',
        'ledger',
        'coupons',
        'checkins',
        'invites',
        'feedback',
        'receipts',
      ]),
    )
    expect(data.profile).toMatchObject({
      memberNo: a.member.memberId,
      nickname: a.member.nickname,
      phone: '13811112222',
      birthday: '1990-05-06',
    })
    expect(data.ledger.length).toBeGreaterThanOrEqual(2) // welcome gift and the check-in
    expect(data.coupons.map((c: { name: string }) => c.name)).toEqual(['隐私测试券'])
    expect(data.checkins).toHaveLength(1)
    expect(data.checkins[0].kind).toBe('签到')
    expect(data.feedback.map((t: { text: string }) => t.text)).toEqual(['甲的反馈：停车场太挤'])
    expect(data.receipts).toHaveLength(1)
    expect(data.invites.friends).toEqual([expect.objectContaining({ nickname: expect.stringMatching(/^.\*\*$/) })])
    expect(data.privacy.consents.map((c: { version: string }) => c.version)).toEqual([PRIVACY_GUIDE_VERSION])

    const text = JSON.stringify(data)
    const others = [b.member.memberId, friend.member.memberId, '13933334444', '乙的反馈', 'PVRECEIPTB1']
    for (const other of others) expect(text).not.toContain(other)
  })

  it('carries no secrets, WeChat identifiers or internal fields', async () => {
    const text = JSON.stringify((await exportOf(b)).body)
    const forbiddenKeys = [
      '_id',
      'openid',
      'unionid',
      'session_key',
      'sessionKey',
      'passwordHash',
      'password',
      'walletHint',
      'bookHint',
      'eventKey',
      'staffId',
      'tags',
      'photoId',
      'sha256',
      'hash',
    ]
    for (const key of forbiddenKeys) expect(text).not.toContain(`"${key}"`)
    expect(text).not.toContain('base64')
    expect(text).not.toMatch(/wx:|dev:pv-|unionid:/)
    // the login's WeChat session key and the operator's password appear nowhere
    expect(text).not.toContain('correct horse battery')
  })

  it('is rate limited per member (5 per quarter hour; others unaffected)', async () => {
    const m = await api.loginMember('pv-limit')
    const codes = []
    for (let i = 0; i < 6; i++) codes.push((await exportOf(m)).status)
    expect(codes).toEqual([200, 200, 200, 200, 200, 429])
    expect((await exportOf(a)).status).toBe(200)
  })

  it('needs a member token', async () => {
    expect((await api.http.get('/api/me/data-export')).status).toBe(401)
    const staff = await api.http.get('/api/me/data-export').set(bearer(operator))
    expect([401, 403]).toContain(staff.status)
  })
})

describe('unbinding the phone number', () => {
  it('asks for the confirmation and refuses when no phone is bound', async () => {
    const m = await api.loginMember('pv-nophone')
    expect((await unbind(m, {})).status).toBe(400)
    expect((await unbind(m, { confirm: 'yes' })).status).toBe(400)
    const res = await unbind(m)
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('MEMBER.PHONE_NOT_BOUND')
  })

  it('unbinds once under 20 concurrent requests, keeps the points, audits it, frees the number', async () => {
    const m = await api.loginMember('pv-unbind')
    expect((await bindPhone(m, '13755556666')).status).toBe(200)
    const before = (await api.http.get('/api/me/card').set(bearer(m.accessToken))).body
    expect(before.phoneMasked).toBe('137****6666')

    // Racers that read the row after the winner cleared it find nothing to unbind (409); none fails otherwise.
    const answers = await Promise.all(Array.from({ length: 20 }, () => unbind(m)))
    expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1)
    for (const r of answers.filter((x) => x.status !== 200)) {
      expect([r.status, r.body.error.code]).toEqual([409, 'MEMBER.PHONE_NOT_BOUND'])
    }
    const rows = await privacyModels(api.conn).PhoneUnbind.find({ memberId: m.member.memberId }).lean().exec()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ phoneMasked: '137****6666' })
    expect(JSON.stringify(rows)).not.toContain('13755556666')

    const after = (await api.http.get('/api/me/card').set(bearer(m.accessToken))).body
    expect(after.phoneMasked).toBeNull()
    expect(after.pointsBalance).toBe(before.pointsBalance)
    expect(await memberModels(api.conn).MemberIdentity.countDocuments({ _id: 'phone:13755556666' })).toBe(0)
    expect((await unbind(m)).body.error.code).toBe('MEMBER.PHONE_NOT_BOUND')

    // the number is free again: another member binds it; the first can bind a new one, audited separately
    const other = await api.loginMember('pv-unbind-2')
    expect((await bindPhone(other, '13755556666')).status).toBe(200)
    expect((await bindPhone(m, '13755557777')).status).toBe(200)
    expect((await unbind(m)).status).toBe(200)
    expect(await privacyModels(api.conn).PhoneUnbind.countDocuments({ memberId: m.member.memberId })).toBe(2)
    const exported = (await exportOf(m)).body
    expect(exported.profile.phone).toBeNull()
    expect(exported.privacy.phoneUnbinds.map((u: { phoneMasked: string }) => u.phoneMasked).sort()).toEqual([
      '137****6666',
      '137****7777',
    ])
  })

  it('finishes an unbinding a crash cut short after the number was released', async () => {
    const m = await api.loginMember('pv-crash')
    expect((await bindPhone(m, '13600001111')).status).toBe(200)
    // the crash: the audit row and the release happened, the member row still shows the number
    await memberModels(api.conn).MemberIdentity.deleteOne({ _id: 'phone:13600001111' })
    const res = await unbind(m)
    expect(res.status).toBe(200)
    expect((await api.http.get('/api/me/card').set(bearer(m.accessToken))).body.phoneMasked).toBeNull()
  })
})
