import sharp from 'sharp'
import type { MemberLoginResponse, ReceiptPhotoSubmission } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, balanceOf, scan, withoutMemberDay } from '../support/points-helpers'
import {
  dataUrl,
  decide,
  photoAndSubmit,
  receiptImage,
  submitReceipt,
  uploadReceipt,
} from '../support/receipt-photo-helpers'
import { receiptPhotoModels } from '../../server/src/modules/receipt-photos/receipt-photo.model'

jest.setTimeout(180_000)

let api: TestApi
let a: MemberLoginResponse
let b: MemberLoginResponse
let operator: string
let desk: string
let clerk: string

// Saturday 2026-12-05 14:32 Shanghai; the clock stands an hour later.
const BOUGHT = '2026-12-05T14:32:10+08:00'

beforeAll(async () => {
  api = await startTestApi()
  api.clock.set('2026-12-05T07:32:10.000Z')
  api.clock.advance(3600_000)
  await withoutMemberDay(api)
  await api.addStore('RP1', '星巴克')
  await api.addStore('RP2', '优衣库')
  a = await api.loginMember('rp-a')
  b = await api.loginMember('rp-b')
  operator = (await api.loginStaff('rp-operator', 'operator', null)).accessToken
  desk = (await api.loginStaff('rp-desk', 'clerk', null)).accessToken
  clerk = (await api.loginStaff('rp-clerk', 'clerk', 'RP1')).accessToken
  api.ctx.services.receiptOcr.enabled = false // on for the OCR tests only: it takes a core for a second
})
afterAll(() => api.stop())
// Tests move the clock by hours: staff sign in again (access tokens last minutes).
beforeEach(async () => {
  operator = (await api.loginStaff('rp-operator', 'operator', null)).accessToken
  desk = (await api.loginStaff('rp-desk', 'clerk', null)).accessToken
  clerk = (await api.loginStaff('rp-clerk', 'clerk', 'RP1')).accessToken
  a = await api.loginMember('rp-a')
  b = await api.loginMember('rp-b')
})

let receipts = 0
const nextReceipt = () => `R${Date.now().toString(36).toUpperCase()}${++receipts}`
const fields = (over: Record<string, unknown> = {}) => ({
  storeId: 'RP1',
  receiptNo: nextReceipt(),
  amountFen: 56_50,
  purchasedAt: BOUGHT,
  ...over,
})
const code = (res: { body: { error?: { code: string } } }) => res.body.error?.code
const mine = async (m: MemberLoginResponse) =>
  (await api.http.get('/api/me/receipt-photos').set(bearer(m.accessToken))).body.items as ReceiptPhotoSubmission[]

describe('upload: the photo is checked by its content and kept without metadata', () => {
  it('refuses bytes that are not an image whatever the data URL says (415), and a photo over 5 MB (413)', async () => {
    const text = Buffer.from('<?php echo "not a receipt"; ?>'.repeat(10))
    const fake = await uploadReceipt(api, a.accessToken, dataUrl(text, 'image/png'))
    expect([fake.status, code(fake)]).toEqual([415, 'RECEIPT_PHOTO.BAD_IMAGE'])
    // a PNG signature followed by garbage: the decoder refuses it
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(400, 7)])
    expect(code(await uploadReceipt(api, a.accessToken, dataUrl(png)))).toBe('RECEIPT_PHOTO.BAD_IMAGE')
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024 + 10, 1)])
    const tooBig = await uploadReceipt(api, a.accessToken, dataUrl(big))
    expect([tooBig.status, code(tooBig)]).toEqual([413, 'RECEIPT_PHOTO.TOO_LARGE'])
    const huge = await uploadReceipt(api, a.accessToken, 'A'.repeat(9 * 1024 * 1024))
    expect(huge.status).toBe(413)
    expect(await receiptPhotoModels(api.conn).File.countDocuments({ memberId: a.member.memberId })).toBe(0)
  })

  it('re-encodes as JPEG without EXIF; only the owner and the desk get the photo', async () => {
    const photo = await receiptImage(
      { store: '星巴克', receiptNo: 'EXIF1', time: '2026-12-05 14:32:10', total: '56.50' },
      { exif: true, format: 'jpeg', seed: 11 },
    )
    expect((await sharp(photo).metadata()).exif).toBeDefined()
    const up = await uploadReceipt(api, a.accessToken, dataUrl(photo, 'image/gif'))
    expect(up.status).toBe(201)
    const res = await submitReceipt(api, a.accessToken, { photoId: up.body.photoId, ...fields() })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ status: 'pending', storeName: '星巴克', points: 0, flags: [] })
    const stores = await api.http.get('/api/me/receipt-photos/stores').set(bearer(a.accessToken))
    expect(stores.body.items).toEqual(
      expect.arrayContaining([
        { id: 'RP1', name: '星巴克', floor: 'L1' },
        { id: 'RP2', name: '优衣库', floor: 'L1' },
      ]),
    )
    const id = res.body.submissionId as string

    const own = await api.http.get(`/api/me/receipt-photos/${id}/photo`).set(bearer(a.accessToken)).buffer(true)
    expect(own.status).toBe(200)
    expect(own.headers['content-type']).toBe('image/jpeg')
    expect(own.headers['cache-control']).toBe('private, no-store')
    const meta = await sharp(own.body as Buffer).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.exif).toBeUndefined()
    expect(Buffer.from(own.body as Buffer).includes(Buffer.from('GPS-Leak'))).toBe(false)

    const other = await api.http.get(`/api/me/receipt-photos/${id}/photo`).set(bearer(b.accessToken))
    expect([other.status, code(other)]).toEqual([404, 'RECEIPT_PHOTO.NOT_FOUND'])
    const storeClerk = await api.http.get(`/api/staff/receipt-photos/${id}/photo`).set(bearer(clerk))
    expect(storeClerk.status).toBe(403)
    expect((await api.http.get(`/api/staff/receipt-photos/${id}/photo`).set(bearer(desk))).status).toBe(200)
    expect((await api.http.get(`/api/staff/receipt-photos/${id}/photo`).set(bearer(operator))).status).toBe(200)
    // another member cannot submit a's uploaded photo either
    const stolen = await submitReceipt(api, b.accessToken, { photoId: up.body.photoId, ...fields() })
    expect([stolen.status, code(stolen)]).toEqual([404, 'RECEIPT_PHOTO.NOT_FOUND'])
    const again = await submitReceipt(api, a.accessToken, { photoId: up.body.photoId, ...fields() })
    expect([again.status, code(again)]).toEqual([409, 'RECEIPT_PHOTO.PHOTO_USED'])
  })
})

describe('the rules: minimum, deadline, per store per day', () => {
  it('refuses below the minimum, after 23:59 the next day, in the future', async () => {
    const low = await photoAndSubmit(api, a.accessToken, fields({ amountFen: 9_99 }))
    expect([low.status, code(low), low.body.error.details]).toEqual([
      422,
      'RECEIPT_PHOTO.BELOW_MINIMUM',
      { minAmountFen: 10_00 },
    ])
    const late = await photoAndSubmit(api, a.accessToken, fields({ purchasedAt: '2026-12-03T23:59:00+08:00' }))
    expect([late.status, code(late)]).toEqual([422, 'RECEIPT_PHOTO.DEADLINE_PASSED'])
    expect(late.body.error.details.deadline).toBe('2026-12-04T16:00:00.000Z') // 12-05 00:00 Shanghai
    // yesterday's receipt is still in time (by 23:59 today)
    const yesterday = await photoAndSubmit(api, a.accessToken, fields({ purchasedAt: '2026-12-04T20:00:00+08:00' }))
    expect(yesterday.status).toBe(201)
    const future = await photoAndSubmit(api, a.accessToken, fields({ purchasedAt: '2026-12-06T10:00:00+08:00' }))
    expect(code(future)).toBe('RECEIPT_PHOTO.FUTURE_PURCHASE')
    const bad = await photoAndSubmit(api, a.accessToken, fields({ receiptNo: '../etc' }))
    expect(bad.status).toBe(400)
    const unknownStore = await photoAndSubmit(api, a.accessToken, fields({ storeId: 'NOPE' }))
    expect(code(unknownStore)).toBe('STORE.NOT_FOUND')
  })

  it('20 submissions at once for one store and day: exactly the daily limit pass, by slots', async () => {
    const m = await api.loginMember('rp-daily')
    const ups: string[] = []
    for (let i = 0; i < 20; i++) {
      const img = await receiptImage(
        { store: '优衣库', receiptNo: `D${i}`, time: '2026-12-05 11:00:00', total: '99.00' },
        { seed: 300 + i },
      )
      ups.push((await uploadReceipt(api, m.accessToken, dataUrl(img))).body.photoId as string)
    }
    const results = await Promise.all(
      ups.map((photoId, i) =>
        submitReceipt(api, m.accessToken, {
          photoId,
          ...fields({ storeId: 'RP2', receiptNo: `DAY${receipts}X${i}`, purchasedAt: '2026-12-05T11:00:00+08:00' }),
        }),
      ),
    )
    const statuses = results.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(3)
    expect(results.filter((r) => code(r) === 'RECEIPT_PHOTO.DAILY_LIMIT')).toHaveLength(17)
    // the refused ones held nothing: their receipts are free, their photos usable again
    const refused = results.findIndex((r) => r.status !== 201)
    const otherStore = await submitReceipt(api, m.accessToken, {
      photoId: ups[refused],
      ...fields({ storeId: 'RP1', purchasedAt: '2026-12-05T11:00:00+08:00' }),
    })
    expect(otherStore.status).toBe(201)
  })
})

describe('one purchase earns once, whichever channel reports it', () => {
  it('a receipt the till already earned is refused with the channel and date', async () => {
    const receiptNo = nextReceipt()
    const token = await scan(api, a, clerk)
    expect((await award(api, clerk, { scanToken: token, receiptNo, amountFen: 56_50 })).status).toBe(200)
    const res = await photoAndSubmit(api, a.accessToken, fields({ receiptNo }))
    expect([res.status, code(res)]).toEqual([409, 'PURCHASE.ALREADY_EARNED'])
    expect(res.body.error.details).toMatchObject({ channel: 'till', purchaseId: `RP1:${receiptNo}` })
    expect(res.body.error.details.at).toMatch(/^2026-12-05T/)
  })

  it('one member per receipt: 20 members submit one receipt at once, one holds it, the rest 409', async () => {
    const receiptNo = nextReceipt()
    const members = await Promise.all(Array.from({ length: 20 }, (_, i) => api.loginMember(`rp-race-${i}`)))
    const photos: string[] = []
    for (const [i, m] of members.entries()) {
      const img = await receiptImage(
        { store: '星巴克', receiptNo, time: '2026-12-05 14:32:10', total: '56.50' },
        { seed: 500 + i },
      )
      photos.push((await uploadReceipt(api, m.accessToken, dataUrl(img))).body.photoId as string)
    }
    const results = await Promise.all(
      members.map((m, i) => submitReceipt(api, m.accessToken, { photoId: photos[i], ...fields({ receiptNo }) })),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    expect(results.filter((r) => code(r) === 'RECEIPT_PHOTO.RECEIPT_CLAIMED')).toHaveLength(19)
    const rows = await receiptPhotoModels(api.conn).Submission.countDocuments({ _id: `RP1:${receiptNo}` })
    expect(rows).toBe(1)
  })

  it('the same photo again is flagged for the reviewer; a re-saved, shrunk copy as near-identical', async () => {
    const img = await receiptImage(
      { store: '星巴克', receiptNo: 'SAME1', time: '2026-12-05 14:32:10', total: '56.50' },
      { seed: 21 },
    )
    const first = await submitReceipt(api, a.accessToken, {
      photoId: (await uploadReceipt(api, a.accessToken, dataUrl(img))).body.photoId,
      ...fields(),
    })
    const same = await submitReceipt(api, b.accessToken, {
      photoId: (await uploadReceipt(api, b.accessToken, dataUrl(img))).body.photoId,
      ...fields(),
    })
    expect(same.status).toBe(201)
    expect(same.body.flags).toEqual([]) // members never see flags
    const copy = await sharp(img).resize(700).jpeg({ quality: 55 }).toBuffer()
    const near = await submitReceipt(api, b.accessToken, {
      photoId: (await uploadReceipt(api, b.accessToken, dataUrl(copy))).body.photoId,
      ...fields(),
    })
    const staffView = async (id: string) =>
      (await api.http.get(`/api/staff/receipt-photos/${id}`).set(bearer(desk))).body.submission
    expect((await staffView(same.body.submissionId)).flags).toEqual([
      { kind: 'same_photo', otherSubmissionId: first.body.submissionId, distance: 0 },
    ])
    const nearFlags = (await staffView(near.body.submissionId)).flags
    expect(nearFlags).toHaveLength(1)
    expect(nearFlags[0]).toMatchObject({ kind: 'similar_photo' })
    expect([first.body.submissionId, same.body.submissionId]).toContain(nearFlags[0].otherSubmissionId)
    expect(nearFlags[0].distance).toBeLessThanOrEqual(16)
  })
})

describe('review: approve, reject, undo — one decision wins', () => {
  it('20 desks decide one receipt at once: one wins, the others get 409 with who and when; points once', async () => {
    const m = await api.loginMember('rp-review')
    const before = await balanceOf(api, m) // the welcome points
    const res = await photoAndSubmit(api, m.accessToken, fields({ amountFen: 100_00 }))
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
    const res = await photoAndSubmit(api, m.accessToken, fields({ amountFen: 80_00 }))
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
    const res = await photoAndSubmit(api, m.accessToken, fields({ amountFen: 200_00 }))
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

    const other = await photoAndSubmit(api, m.accessToken, fields())
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
    const s1 = await photoAndSubmit(api, m.accessToken, fields())
    api.clock.advance(10 * 60_000)
    const s2 = await photoAndSubmit(api, m.accessToken, fields({ storeId: 'RP2' }))
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
    expect(code(await photoAndSubmit(api, a.accessToken, fields({ amountFen: 15_00 })))).toBe(
      'RECEIPT_PHOTO.BELOW_MINIMUM',
    )
    const back = { ...rules, version: version + 1, note: '恢复' }
    expect((await api.http.put('/api/ops/receipt-photos/rules').set(bearer(operator)).send(back)).status).toBe(200)
  })

  it('drops decided photos after the retention period, keeps the submission', async () => {
    const m = await api.loginMember('rp-retention')
    const res = await photoAndSubmit(api, m.accessToken, fields())
    await decide(api, desk, res.body.submissionId, 'approve')
    const later = new Date(api.clock.now().getTime() + 181 * 86_400_000)
    const swept = await api.ctx.jobs.sweepReceiptPhotos(later)
    expect(swept.purged).toBeGreaterThanOrEqual(1)
    const photo = await api.http.get(`/api/me/receipt-photos/${res.body.submissionId}/photo`).set(bearer(m.accessToken))
    expect(photo.status).toBe(404)
    expect((await mine(m))[0]).toMatchObject({ status: 'approved', hasPhoto: false })
  })
})
