import sharp from 'sharp'
import { bearer, type TestApi } from './api-harness'

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
