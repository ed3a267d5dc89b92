import type { MemberLoginResponse, ReceiptPhotoSubmission } from '@mall/shared'
import { bearer, type TestApi } from '../support/api-harness'
import { balanceOf } from '../support/points-helpers'
import {
  decide,
  photoAndSubmit,
  receiptFields,
  signInReceiptPhotoPeople,
  startReceiptPhotoMall,
} from '../support/receipt-photo-helpers'

// The desk's side of receipt photos: one decision wins, undo, the queue and its SLA; the operator's versioned
// rules and the retention sweeper. The member's upload and the rules it meets are in receipt-photos.test.ts.
jest.setTimeout(180_000)

let api: TestApi
let a: MemberLoginResponse
let operator: string
let desk: string
let clerk: string

beforeAll(async () => {
  ;({ api, a, operator, desk, clerk } = await startReceiptPhotoMall())
})
afterAll(() => api.stop())
// Tests move the clock by hours: staff sign in again (access tokens last minutes).
beforeEach(async () => {
  ;({ a, operator, desk, clerk } = await signInReceiptPhotoPeople(api))
})

const code = (res: { body: { error?: { code: string } } }) => res.body.error?.code
const mine = async (m: MemberLoginResponse) =>
  (await api.http.get('/api/me/receipt-photos').set(bearer(m.accessToken))).body.items as ReceiptPhotoSubmission[]

describe('review: approve, reject, undo — one decision wins', () => {
  it('20 desks decide one receipt at once: one wins, the others get 409 with who and when; points once', async () => {
    const m = await api.loginMember('rp-review')
    const before = await balanceOf(api, m) // the welcome points
    const res = await photoAndSubmit(api, m.accessToken, receiptFields({ amountFen: 100_00 }))
    const id = res.body.submissionId as string
    const desks = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await api.loginStaff(`rp-desk-${i}`, 'clerk', null)).accessToken),
    )
    const results = await Promise.all(
      desks.map((t, i) =>
        i % 2 ? decide(api, t, id, 'approve') : decide(api, t, id, 'reject', { reason: 'unreadable' }),
      ),
    )
    const won = results.filter((r) => r.status === 200)
    expect(won).toHaveLength(1)
    const lost = results.filter((r) => r.status === 409)
    expect(lost).toHaveLength(19)
    for (const l of lost) {
      expect(code(l)).toBe('PURCHASE.ALREADY_DECIDED')
      expect(l.body.error.details).toMatchObject({ by: won[0]!.body.decidedBy, at: won[0]!.body.decidedAt })
    }
    const approved = won[0]!.body.status === 'approved'
    expect(await balanceOf(api, m)).toBe(before + (approved ? 100 : 0))
    const [mineNow] = await mine(m)
    expect(mineNow).toMatchObject({ status: won[0]!.body.status, points: approved ? 100 : 0, decidedBy: null })
  })

  it('approve with another amount needs a note; the posting uses it; the wallet says 小票拍照', async () => {
    const m = await api.loginMember('rp-edit')
    const res = await photoAndSubmit(api, m.accessToken, receiptFields({ amountFen: 80_00 }))
    const id = res.body.submissionId as string
    const noNote = await decide(api, desk, id, 'approve', { amountFen: 56_50 })
    expect(noNote.status).toBe(400)
    const ok = await decide(api, desk, id, 'approve', { amountFen: 56_50, note: '小票实付 56.50' })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ status: 'approved', approvedAmountFen: 56_50, amountNote: '小票实付 56.50' })
    expect(ok.body.points).toBe(56)
    const wallet = await api.http.get('/api/me/wallet/entries').set(bearer(m.accessToken))
    expect(wallet.body.items[0]).toMatchObject({ delta: 56, amountFen: 56_50, channel: '小票拍照' })
    const badReason = await decide(api, desk, id, 'reject', { reason: 'because' })
    expect(badReason.status).toBe(400)
    // the same desk repeating its approval gets the result again; a rejection now is 409
    expect((await decide(api, desk, id, 'approve', { amountFen: 56_50, note: '小票实付 56.50' })).status).toBe(200)
    expect(code(await decide(api, operator, id, 'reject', { reason: 'unreadable' }))).toBe('PURCHASE.ALREADY_DECIDED')
  })

  it('20 undos at once take the points back once; a rejected receipt cannot be undone', async () => {
    const m = await api.loginMember('rp-undo')
    const before = await balanceOf(api, m)
    const res = await photoAndSubmit(api, m.accessToken, receiptFields({ amountFen: 200_00 }))
    const id = res.body.submissionId as string
    expect((await decide(api, desk, id, 'approve')).body.points).toBe(200)
    expect(await balanceOf(api, m)).toBe(before + 200)
    const desks = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await api.loginStaff(`rp-undo-${i}`, 'manager', null)).accessToken),
    )
    const results = await Promise.all(desks.map((t) => decide(api, t, id, 'undo')))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => code(r) === 'PURCHASE.ALREADY_DECIDED')).toHaveLength(19)
    expect(await balanceOf(api, m)).toBe(before)
    expect((await mine(m))[0]).toMatchObject({ status: 'undone', points: 0 })

    const other = await photoAndSubmit(api, m.accessToken, receiptFields())
    await decide(api, desk, other.body.submissionId, 'reject', { reason: 'info_mismatch' })
    const undo = await decide(api, desk, other.body.submissionId, 'undo')
    expect([undo.status, code(undo)]).toEqual([409, 'RECEIPT_PHOTO.NOT_UNDOABLE'])
    expect((await mine(m)).find((s) => s.submissionId === other.body.submissionId)).toMatchObject({
      status: 'rejected',
      rejectReason: 'info_mismatch',
    })
    // a store's clerk is not the desk
    expect((await decide(api, clerk, other.body.submissionId, 'undo')).status).toBe(403)
  })

  it('the queue lists pending receipts oldest first; the SLA gives median and p90 time to decision', async () => {
    const m = await api.loginMember('rp-sla')
    const s1 = await photoAndSubmit(api, m.accessToken, receiptFields())
    api.clock.advance(10 * 60_000)
    const s2 = await photoAndSubmit(api, m.accessToken, receiptFields({ storeId: 'RP2' }))
    const queue = await api.http.get('/api/staff/receipt-photos').set(bearer(desk))
    const ids = (queue.body.items as ReceiptPhotoSubmission[]).map((s) => s.submissionId)
    expect(ids.indexOf(s1.body.submissionId)).toBeLessThan(ids.indexOf(s2.body.submissionId))
    const detail = await api.http.get(`/api/staff/receipt-photos/${s2.body.submissionId}`).set(bearer(desk))
    expect(detail.body.recent.map((r: ReceiptPhotoSubmission) => r.submissionId)).toEqual([s1.body.submissionId])
    api.clock.advance(20 * 60_000)
    desk = (await api.loginStaff('rp-desk', 'clerk', null)).accessToken
    await decide(api, desk, s1.body.submissionId, 'approve')
    await decide(api, desk, s2.body.submissionId, 'reject', { reason: 'unreadable' })
    operator = (await api.loginStaff('rp-operator', 'operator', null)).accessToken
    const sla = await api.http.get('/api/ops/receipt-photos/sla?from=2026-12-05&to=2026-12-05').set(bearer(operator))
    expect(sla.status).toBe(200)
    expect(sla.body.decided).toBeGreaterThanOrEqual(2)
    expect(sla.body.p90Minutes).toBeGreaterThanOrEqual(30)
    expect(typeof sla.body.medianMinutes).toBe('number')
    expect(
      (await api.http.get('/api/ops/receipt-photos/sla?from=2026-12-05&to=2026-12-05').set(bearer(desk))).status,
    ).toBe(403)
  })
})

describe('operator rules (versioned) and the retention sweeper', () => {
  it('changes are versions: a stale version is refused, history says who and what', async () => {
    const cur = (await api.http.get('/api/ops/receipt-photos/rules').set(bearer(operator))).body
    expect(cur).toMatchObject({ enabled: true, minAmountFen: 10_00, deadlineDays: 1, perStorePerDay: 3 })
    const { version, ...rules } = cur
    const next = { ...rules, minAmountFen: 20_00, version, note: '提高门槛' }
    const put = await api.http.put('/api/ops/receipt-photos/rules').set(bearer(operator)).send(next)
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ minAmountFen: 20_00, version: version + 1 })
    const stale = await api.http.put('/api/ops/receipt-photos/rules').set(bearer(operator)).send(next)
    expect([stale.status, code(stale)]).toEqual([409, 'CONFIG.VERSION_CONFLICT'])
    const history = await api.http.get('/api/ops/receipt-photos/rules/history').set(bearer(operator))
    expect(history.body.items[0]).toMatchObject({ changedBy: expect.any(String), note: '提高门槛' })
    expect(code(await photoAndSubmit(api, a.accessToken, receiptFields({ amountFen: 15_00 })))).toBe(
      'RECEIPT_PHOTO.BELOW_MINIMUM',
    )
    const back = { ...rules, version: version + 1, note: '恢复' }
    expect((await api.http.put('/api/ops/receipt-photos/rules').set(bearer(operator)).send(back)).status).toBe(200)
  })

  it('drops decided photos after the retention period, keeps the submission', async () => {
    const m = await api.loginMember('rp-retention')
    const res = await photoAndSubmit(api, m.accessToken, receiptFields())
    await decide(api, desk, res.body.submissionId, 'approve')
    const later = new Date(api.clock.now().getTime() + 181 * 86_400_000)
    const swept = await api.ctx.jobs.sweepReceiptPhotos(later)
    expect(swept.purged).toBeGreaterThanOrEqual(1)
    const photo = await api.http.get(`/api/me/receipt-photos/${res.body.submissionId}/photo`).set(bearer(m.accessToken))
    expect(photo.status).toBe(404)
    expect((await mine(m))[0]).toMatchObject({ status: 'approved', hasPhoto: false })
  })
})
