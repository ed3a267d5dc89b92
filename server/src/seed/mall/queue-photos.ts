import { shanghaiDay, shanghaiIsoTime } from '@mall/shared'
import type { AppContext } from '../../app-context'
import { DomainError } from '../../errors/domain-error'
import type { StoreDoc } from '../../modules/stores/store.model'
import { receiptPicture, type ReceiptLines } from './receipt-picture'

const MINUTE = 60_000

const RECEIPTS: { category: string; items: [string, string][] }[] = [
  {
    category: '餐饮',
    items: [
      ['招牌套餐', '128.00'],
      ['柠檬茶 x2', '36.00'],
    ],
  },
  {
    category: '服饰',
    items: [
      ['羊毛针织衫', '399.00'],
      ['棉质T恤', '99.00'],
    ],
  },
  { category: '美妆', items: [['保湿精华 30ml', '560.00']] },
  {
    category: '运动',
    items: [
      ['跑步鞋', '699.00'],
      ['运动袜 x3', '57.00'],
    ],
  },
]

/** A receipt photo a member uploaded today, to be submitted once the members are written. */
export interface UploadedReceipt {
  memberId: string
  storeId: string
  receiptNo: string
  amountFen: number
  purchasedAt: Date
  sentAt: Date
  photoId: string
}

/**
 * Receipt photos members took today, drawn and uploaded as the H5 uploads them (content check, re-encode
 * without EXIF, hashes, OCR). An upload needs no member row, so this runs while the bulk rows are written:
 * OCR is a tesseract process of about a second a photo. The last is the first receipt photographed again
 * and sent by another member as another receipt, which the reviewer sees as 疑似重复.
 */
export async function uploadDemoReceipts(
  ctx: AppContext,
  memberIds: string[],
  stores: StoreDoc[],
  now: Date,
): Promise<UploadedReceipt[]> {
  const planned = RECEIPTS.map((r, k) => {
    const store = stores.find((s) => s.category === r.category) ?? stores[k]!
    const purchasedAt = new Date(now.getTime() - (240 - k * 45) * MINUTE)
    const amountFen = r.items.reduce((sum, [, price]) => sum + Math.round(Number(price) * 100), 0)
    const lines: ReceiptLines = {
      store: store.name,
      receiptNo: receiptNoOf(purchasedAt, k + 1),
      time: shanghaiIsoTime(purchasedAt).slice(0, 19).replace('T', ' '),
      total: (amountFen / 100).toFixed(2),
      items: r.items,
    }
    return { store, purchasedAt, amountFen, lines, receiptNo: lines.receiptNo, seed: 101 + k, retake: false }
  })
  const first = planned[0]!
  const retakenAt = new Date(now.getTime() - 30 * MINUTE)
  // The same paper (its printed number too), typed in as another receipt number and time.
  planned.push({ ...first, purchasedAt: retakenAt, receiptNo: receiptNoOf(retakenAt, 9), retake: true })

  const uploaded: UploadedReceipt[] = []
  for (const [k, p] of planned.entries()) {
    const memberId = memberIds[k]
    if (!memberId) break
    const sentAt = new Date(Math.min(p.purchasedAt.getTime() + 20 * MINUTE, now.getTime()))
    const picture = await receiptPicture(p.lines, p.seed, p.retake)
    const { photoId } = await ctx.services.receiptPhotos.upload(memberId, picture, sentAt)
    const { receiptNo } = p
    uploaded.push({
      memberId,
      storeId: p.store._id,
      receiptNo,
      amountFen: p.amountFen,
      purchasedAt: p.purchasedAt,
      sentAt,
      photoId,
    })
  }
  return uploaded
}

/** Submits the uploaded photos in order (the retake last, so it finds the first); how many wait for review. */
export async function submitDemoReceipts(ctx: AppContext, uploaded: UploadedReceipt[]): Promise<number> {
  let pending = 0
  for (const u of uploaded) {
    const input = {
      photoId: u.photoId,
      storeId: u.storeId,
      amountFen: u.amountFen,
      receiptNo: u.receiptNo,
      purchasedAt: u.purchasedAt.toISOString(),
    }
    // A run cut short and started again uploads new photos of receipts already submitted: those are refused.
    const submitted = await ctx.services.receiptPhotos.submit(u.memberId, input, u.sentAt).catch((err: unknown) => {
      if (err instanceof DomainError) return null
      throw err
    })
    if (submitted?.status === 'pending') pending++
  }
  return pending
}

const receiptNoOf = (at: Date, n: number) =>
  `R${shanghaiDay(at).replace(/-/g, '').slice(2)}88${String(n).padStart(5, '0')}`
