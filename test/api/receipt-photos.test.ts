import sharp from 'sharp'
import type { MemberLoginResponse } from '@mall/shared'
import { bearer, type TestApi } from '../support/api-harness'
import { award, scan } from '../support/points-helpers'
import {
  dataUrl,
  nextReceiptNo,
  photoAndSubmit,
  receiptFields,
  receiptImage,
  signInReceiptPhotoPeople,
  startReceiptPhotoMall,
  submitReceipt,
  uploadReceipt,
} from '../support/receipt-photo-helpers'
import { receiptPhotoModels } from '../../server/src/modules/receipt-photos/receipt-photo.model'

// The member's side of receipt photos: the upload, the rules, one earning per purchase. The desk's review,
// the operator's rules and the retention sweeper are in receipt-photos-review.test.ts.
jest.setTimeout(180_000)

let api: TestApi
let a: MemberLoginResponse
let b: MemberLoginResponse
let operator: string
let desk: string
let clerk: string

beforeAll(async () => {
  ;({ api, a, b, operator, desk, clerk } = await startReceiptPhotoMall())
})
afterAll(() => api.stop())
// Tests move the clock by hours: staff sign in again (access tokens last minutes).
beforeEach(async () => {
  ;({ a, b, operator, desk, clerk } = await signInReceiptPhotoPeople(api))
})

const code = (res: { body: { error?: { code: string } } }) => res.body.error?.code

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
    const res = await submitReceipt(api, a.accessToken, { photoId: up.body.photoId, ...receiptFields() })
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
    const stolen = await submitReceipt(api, b.accessToken, { photoId: up.body.photoId, ...receiptFields() })
    expect([stolen.status, code(stolen)]).toEqual([404, 'RECEIPT_PHOTO.NOT_FOUND'])
    const again = await submitReceipt(api, a.accessToken, { photoId: up.body.photoId, ...receiptFields() })
    expect([again.status, code(again)]).toEqual([409, 'RECEIPT_PHOTO.PHOTO_USED'])
  })
})

describe('the rules: minimum, deadline, per store per day', () => {
  it('refuses below the minimum, after 23:59 the next day, in the future', async () => {
    const low = await photoAndSubmit(api, a.accessToken, receiptFields({ amountFen: 9_99 }))
    expect([low.status, code(low), low.body.error.details]).toEqual([
      422,
      'RECEIPT_PHOTO.BELOW_MINIMUM',
      { minAmountFen: 10_00 },
    ])
    const late = await photoAndSubmit(api, a.accessToken, receiptFields({ purchasedAt: '2026-12-03T23:59:00+08:00' }))
    expect([late.status, code(late)]).toEqual([422, 'RECEIPT_PHOTO.DEADLINE_PASSED'])
    expect(late.body.error.details.deadline).toBe('2026-12-04T16:00:00.000Z') // 12-05 00:00 Shanghai
    // yesterday's receipt is still in time (by 23:59 today)
    const yesterday = await photoAndSubmit(
      api,
      a.accessToken,
      receiptFields({ purchasedAt: '2026-12-04T20:00:00+08:00' }),
    )
    expect(yesterday.status).toBe(201)
    const future = await photoAndSubmit(api, a.accessToken, receiptFields({ purchasedAt: '2026-12-06T10:00:00+08:00' }))
    expect(code(future)).toBe('RECEIPT_PHOTO.FUTURE_PURCHASE')
    const bad = await photoAndSubmit(api, a.accessToken, receiptFields({ receiptNo: '../etc' }))
    expect(bad.status).toBe(400)
    const unknownStore = await photoAndSubmit(api, a.accessToken, receiptFields({ storeId: 'NOPE' }))
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
          ...receiptFields({
            storeId: 'RP2',
            receiptNo: `DAY${nextReceiptNo()}X${i}`,
            purchasedAt: '2026-12-05T11:00:00+08:00',
          }),
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
      ...receiptFields({ storeId: 'RP1', purchasedAt: '2026-12-05T11:00:00+08:00' }),
    })
    expect(otherStore.status).toBe(201)
  })
})

describe('one purchase earns once, whichever channel reports it', () => {
  it('a receipt the till already earned is refused with the channel and date', async () => {
    const receiptNo = nextReceiptNo()
    const token = await scan(api, a, clerk)
    expect((await award(api, clerk, { scanToken: token, receiptNo, amountFen: 56_50 })).status).toBe(200)
    const res = await photoAndSubmit(api, a.accessToken, receiptFields({ receiptNo }))
    expect([res.status, code(res)]).toEqual([409, 'PURCHASE.ALREADY_EARNED'])
    expect(res.body.error.details).toMatchObject({ channel: 'till', purchaseId: `RP1:${receiptNo}` })
    expect(res.body.error.details.at).toMatch(/^2026-12-05T/)
  })

  it('one member per receipt: 20 members submit one receipt at once, one holds it, the rest 409', async () => {
    const receiptNo = nextReceiptNo()
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
      members.map((m, i) => submitReceipt(api, m.accessToken, { photoId: photos[i], ...receiptFields({ receiptNo }) })),
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
      ...receiptFields(),
    })
    const same = await submitReceipt(api, b.accessToken, {
      photoId: (await uploadReceipt(api, b.accessToken, dataUrl(img))).body.photoId,
      ...receiptFields(),
    })
    expect(same.status).toBe(201)
    expect(same.body.flags).toEqual([]) // members never see flags
    const copy = await sharp(img).resize(700).jpeg({ quality: 55 }).toBuffer()
    const near = await submitReceipt(api, b.accessToken, {
      photoId: (await uploadReceipt(api, b.accessToken, dataUrl(copy))).body.photoId,
      ...receiptFields(),
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
