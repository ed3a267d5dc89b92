import sharp from 'sharp'
import type { MemberLoginResponse } from '@mall/shared'
import { bearer, startTestApi, type TestApi } from './api-harness'
import { withoutMemberDay } from './points-helpers'

export interface ReceiptText {
  store: string
  receiptNo: string
  /** as printed, Shanghai time: '2026-12-05 14:32:10' */
  time: string
  /** yuan, as printed: '56.50' */
  total: string
  items?: [string, string][]
}

/**
 * A receipt rendered as a photo, in the test (no downloaded images): black text by Pango with the machine's
 * CJK font on white paper, the paper turned a little and laid on a table, as a JPEG or PNG. `seed` varies the
 * angle (seed % 9 − 4 degrees: 4 lies straight), the table's colour and where the paper lies, as two photos
 * of receipts differ; the same seed and text give the same picture.
 */
export async function receiptImage(
  r: ReceiptText,
  opts: { format?: 'jpeg' | 'png'; seed?: number; exif?: boolean } = {},
): Promise<Buffer> {
  const items = r.items ?? [
    ['拿铁 大杯', '38.00'],
    ['可颂', '18.50'],
  ]
  const lines = [
    r.store,
    `小票号 No: ${r.receiptNo}`,
    `日期: ${r.time}`,
    ...items.map(([name, price]) => `${name.padEnd(12, ' ')}${price}`),
    `合计 TOTAL: ${r.total}`,
    '谢谢惠顾',
  ]
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  const text = await sharp({
    text: {
      text: `<span foreground="black">${escape(lines.join('\n'))}</span>`,
      font: 'WenQuanYi Zen Hei',
      dpi: 200,
      rgba: true,
      spacing: 10,
    },
  })
    .png()
    .toBuffer()
  const seed = opts.seed ?? 4
  const paper = await sharp({ create: { width: 640, height: 600, channels: 3, background: '#fbfbf7' } })
    .composite([{ input: text, top: 30, left: 30 }])
    .png()
    .toBuffer()
  const turned = await sharp(paper)
    .rotate((seed % 9) - 4, { background: '#6b4f3a' })
    .png()
    .toBuffer()
  const tone = 60 + ((seed * 37) % 120)
  const page = sharp({
    create: { width: 900, height: 800, channels: 3, background: { r: tone, g: Math.floor(tone * 0.8), b: 50 } },
  }).composite([{ input: turned, top: 20 + ((seed * 13) % 120), left: 20 + ((seed * 29) % 160) }])
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
