import type { ReceiptOcrFields, ReceiptPhotoFlag, ReceiptPhotoRules } from '../contracts/receipt-photos'
import { addDays, shanghaiDay, startOfShanghaiDay } from './shanghai-time'

/** The first instant a receipt bought at `purchasedAt` may no longer be submitted (23:59:59 + 1 s, Shanghai). */
export function receiptDeadline(purchasedAt: Date, deadlineDays: number): Date {
  return startOfShanghaiDay(addDays(shanghaiDay(purchasedAt), deadlineDays + 1))
}

export type PhotoFormat = 'jpeg' | 'png' | 'webp'

/** The image format by the file's first bytes (its name and declared type are the sender's word). */
export function photoFormat(bytes: Uint8Array): PhotoFormat | null {
  const at = (i: number) => bytes[i] ?? -1
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg'
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => at(i) === b)) return 'png'
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to))
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp'
  return null
}

/** The difference hash's grid: 16×16 bits. At 8×8, photos of two receipts from one till came 1–5 bits apart. */
export const DHASH_SIZE = 16

/**
 * The difference hash (dHash) of a picture given as (size+1)×size grey pixels, row by row: bit = left pixel
 * brighter than its right neighbour. Re-encoding, resizing and small brightness changes keep most bits, so
 * near-identical photos are a few bits apart. size² bits as hex.
 */
export function differenceHash(grey: Uint8Array, size = DHASH_SIZE): string {
  if (grey.length !== (size + 1) * size) throw new Error(`differenceHash needs ${size + 1}×${size} grey pixels`)
  let hex = ''
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col += 4) {
      let nibble = 0
      for (let k = col; k < col + 4; k++) {
        const at = row * (size + 1) + k
        nibble = (nibble << 1) | (grey[at]! > grey[at + 1]! ? 1 : 0)
      }
      hex += nibble.toString(16)
    }
  }
  return hex
}

/** Bits that differ between two hashes of the same length (hex). */
export function hammingDistance(a: string, b: string): number {
  let d = 0
  for (let i = 0; i < a.length; i += 2) {
    let x = parseInt(a.slice(i, i + 2), 16) ^ parseInt(b.slice(i, i + 2), 16)
    while (x) {
      d += x & 1
      x >>= 1
    }
  }
  return d
}

/**
 * Photos at most this many of the 256 bits apart are flagged as near-identical. Measured on rendered receipts
 * (docs/receipt-photos.md): a re-saved, shrunk or brightened copy 1–15 bits, other photos mostly 30 and more,
 * the nearest (same angle, almost the same place) 15. A flag asks a person to compare; it refuses nothing.
 */
export const SIMILAR_PHOTO_MAX_DISTANCE = 16

const AMOUNT_LABELS = [/实付|实收|应付|实际支付/, /合计|总计|总额|合 计/, /TOTAL|AMOUNT/i, /金额/]
const AMOUNT = /(\d{1,7}(?:[.,]\d{1,2})?)(?!.*\d)/
// A label (not inside a word: "nothing" is no "No"), then a number that has a digit in it.
const RECEIPT_NO =
  /(?:单号|小票号|流水号|票号|订单号|(?<![A-Za-z])(?:NO|RECEIPT)(?![A-Za-z]))\s*[:：#.]?\s*([A-Za-z0-9][A-Za-z0-9-]{3,39})/i
// WeChat Pay's transaction_id: 28 digits beginning 42 (微信支付单号 / 交易单号 on a till's receipt).
const WECHAT_TRANSACTION_ID = /(?<!\d)(42\d{26})(?!\d)/
const DATE_TIME =
  /(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?/

/**
 * The amount, receipt number, purchase time and 微信支付单号 read from a receipt's OCR text, each null when not found.
 * Tesseract puts spaces between Chinese characters and may misread ¥; labels are matched on the text
 * with those spaces removed, amounts as the last number on the best-labelled line.
 */
export function parseReceiptText(text: string): ReceiptOcrFields {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])/g, '').trim())
    .filter(Boolean)
  let amountFen: number | null = null
  for (const label of AMOUNT_LABELS) {
    const line = lines.find((l) => label.test(l) && AMOUNT.test(l))
    if (!line) continue
    const value = Number(AMOUNT.exec(line)![1]!.replace(',', '.'))
    if (Number.isFinite(value) && value > 0) {
      amountFen = Math.round(value * 100)
      break
    }
  }
  // Tesseract may space the digits of a long number: they are read with spaces removed.
  const transactionId =
    lines.map((l) => WECHAT_TRANSACTION_ID.exec(l.replace(/\s+/g, ''))?.[1] ?? null).find((v) => v !== null) ?? null
  // The line with the 微信支付单号 also says 单号: it is not the receipt number.
  const receiptNo =
    lines
      .filter((l) => !WECHAT_TRANSACTION_ID.test(l.replace(/\s+/g, '')))
      .map((l) => RECEIPT_NO.exec(l)?.[1] ?? null)
      .find((v) => v !== null && /\d/.test(v)) ?? null
  let purchasedAt: string | null = null
  for (const l of lines) {
    const m = DATE_TIME.exec(l)
    if (!m) continue
    const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)))
    if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) continue
    const pad = (n: number) => String(n).padStart(2, '0')
    purchasedAt = new Date(`${y}-${pad(mo!)}-${pad(d!)}T${pad(h!)}:${pad(mi!)}:${pad(s!)}+08:00`).toISOString()
    break
  }
  return { amountFen, receiptNo, purchasedAt, transactionId }
}

/** Flags that OCR raises against what the member typed (a reviewer looks twice). */
export function ocrFlags(
  ocr: ReceiptOcrFields | null,
  entered: { amountFen: number; receiptNo: string },
): ReceiptPhotoFlag[] {
  const flags: ReceiptPhotoFlag[] = []
  if (ocr?.amountFen != null && ocr.amountFen !== entered.amountFen)
    flags.push({ kind: 'ocr_amount_mismatch', otherSubmissionId: null, distance: null })
  if (ocr?.receiptNo != null && ocr.receiptNo.toUpperCase() !== entered.receiptNo.toUpperCase())
    flags.push({ kind: 'ocr_receipt_mismatch', otherSubmissionId: null, distance: null })
  return flags
}

/** Whether the operator's auto-approve rule takes this submission without a reviewer. */
export function autoApproves(
  rules: ReceiptPhotoRules,
  s: { amountFen: number; ocr: ReceiptOcrFields | null; flags: readonly ReceiptPhotoFlag[] },
): boolean {
  const a = rules.autoApprove
  if (!a.enabled || s.amountFen > a.maxAmountFen || s.flags.length > 0) return false
  return !a.requireOcrAmountMatch || s.ocr?.amountFen === s.amountFen
}

/** The nearest-rank percentile (p in 0..100) of the values, or null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
