import sharp from 'sharp'
import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from './api-harness'
import { withoutMemberDay } from './points-helpers'
import { receiptScene, type ReceiptLines } from '../../server/src/seed/mall/receipt-picture'

export type ReceiptText = Omit<ReceiptLines, 'items'> & { items?: ReceiptLines['items'] }

/**
 * A receipt rendered as a photo in the test (no downloaded images; the demo's picture, seed/mall), as a JPEG
 * or PNG; `seed` varies the angle and the table (default 4: lying straight).
 */
export async function receiptImage(
  r: ReceiptText,
  opts: { format?: 'jpeg' | 'png'; seed?: number; exif?: boolean } = {},
): Promise<Buffer> {
  const items = r.items ?? [
    ['拿铁 大杯', '38.00'],
    ['可颂', '18.50'],
  ]
  const page = sharp(await receiptScene({ ...r, items }, opts.seed ?? 4))
  if (opts.format === 'png') return page.png().toBuffer()
  const jpeg = page.jpeg({ quality: 90 })
  // A phone's photo carries EXIF (maker, GPS…): the server must not keep it.
  return (opts.exif ? jpeg.withExif({ IFD0: { Make: 'TestPhone', Model: 'GPS-Leak 1' } }) : jpeg).toBuffer()
}

export const dataUrl = (bytes: Buffer, type = 'image/jpeg') => `data:${type};base64,${bytes.toString('base64')}`

let keys = 0
/** photos of different receipts: each its own angle and place on the table */
let nextSeed = 100
export const receiptKey = () => `rp-${Date.now().toString(36)}-${++keys}`

export function uploadReceipt(api: TestApi, memberToken: string, photo: string) {
  return api.http.post('/api/me/receipt-photos/uploads').set(bearer(memberToken)).send({ photo })
}

export function submitReceipt(api: TestApi, memberToken: string, body: Record<string, unknown>, key = receiptKey()) {
  return api.http.post('/api/me/receipt-photos').set(bearer(memberToken)).set('Idempotency-Key', key).send(body)
}

/** Uploads a freshly rendered receipt and submits it with the given fields; answers the submission response. */
export async function photoAndSubmit(
  api: TestApi,
  memberToken: string,
  fields: { storeId: string; receiptNo: string; amountFen: number; purchasedAt: string; transactionId?: string },
  seed = nextSeed++,
) {
  const image = await receiptImage(
    {
      store: `门店 ${fields.storeId}`,
      receiptNo: fields.receiptNo,
      time: '2026-12-05 14:32:10',
      total: (fields.amountFen / 100).toFixed(2),
    },
    { seed },
  )
  const up = await uploadReceipt(api, memberToken, dataUrl(image))
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`)
  return submitReceipt(api, memberToken, { photoId: up.body.photoId, ...fields })
}

export function decide(
  api: TestApi,
  staffToken: string,
  submissionId: string,
  action: 'approve' | 'reject' | 'undo',
  body: Record<string, unknown> = {},
) {
  return api.http.post(`/api/staff/receipt-photos/${submissionId}/${action}`).set(bearer(staffToken)).send(body)
}

/** Members rp-a and rp-b, operator rp-operator, the desk rp-desk (a clerk of no store), store RP1's clerk rp-clerk. */
export interface ReceiptPhotoPeople {
  a: MemberLoginResponse
  b: MemberLoginResponse
  operator: string
  desk: string
  clerk: string
}

/**
 * The receipt-photo tests' mall: stores RP1 星巴克 and RP2 优衣库, no member day, the clock an hour after the
 * purchase of `RECEIPT_BOUGHT`. OCR is off: on for the OCR tests only, it takes a core for a second.
 */
export async function startReceiptPhotoMall(): Promise<{ api: TestApi } & ReceiptPhotoPeople> {
  const api = await startTestApi()
  api.clock.set('2026-12-05T07:32:10.000Z')
  api.clock.advance(3600_000)
  await withoutMemberDay(api)
  await api.addStore('RP1', '星巴克')
  await api.addStore('RP2', '优衣库')
  const a = await api.loginMember('rp-a')
  const b = await api.loginMember('rp-b')
  const operator = (await api.loginStaff('rp-operator', 'operator', null)).accessToken
  const desk = (await api.loginStaff('rp-desk', 'clerk', null)).accessToken
  const clerk = (await api.loginStaff('rp-clerk', 'clerk', 'RP1')).accessToken
  api.ctx.services.receiptOcr.enabled = false
  return { api, a, b, operator, desk, clerk }
}

/** The same people signed in again: the tests move the clock by hours and access tokens last minutes. */
export async function signInReceiptPhotoPeople(api: TestApi): Promise<ReceiptPhotoPeople> {
  const operator = (await api.loginStaff('rp-operator', 'operator', null)).accessToken
  const desk = (await api.loginStaff('rp-desk', 'clerk', null)).accessToken
  const clerk = (await api.loginStaff('rp-clerk', 'clerk', 'RP1')).accessToken
  const a = await api.loginMember('rp-a')
  const b = await api.loginMember('rp-b')
  return { a, b, operator, desk, clerk }
}

/** Saturday 2026-12-05 14:32 Shanghai: the purchase the receipts of `receiptFields` record. */
export const RECEIPT_BOUGHT = '2026-12-05T14:32:10+08:00'

let receiptNos = 0
export const nextReceiptNo = () => `R${Date.now().toString(36).toUpperCase()}${++receiptNos}`

/** A submission's fields: store RP1, a fresh receipt number, ¥56.50 bought at `RECEIPT_BOUGHT`; `over` replaces. */
export const receiptFields = (over: Record<string, unknown> = {}) => ({
  storeId: 'RP1',
  receiptNo: nextReceiptNo(),
  amountFen: 56_50,
  purchasedAt: RECEIPT_BOUGHT,
  ...over,
})
