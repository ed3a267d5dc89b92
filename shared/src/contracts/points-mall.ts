import * as z from 'zod'
import { FULFILMENTS, GIFT_KINDS, REDEMPTION_STATUSES } from '../rules/points-mall'

const instant = z.iso.datetime({ offset: true })
const imageId = z.string().regex(/^[0-9a-f]{32}$/)

/** Operator input for a gift of the points mall; refinements reject configurations that cannot work. */
const giftFields = {
  name: z.string().trim().min(1).max(40),
  kind: z.enum(GIFT_KINDS),
  category: z.string().trim().min(1).max(12),
  description: z.string().max(1000).default(''),
  imageIds: z.array(imageId).max(6).default([]),
  pricePoints: z.number().int().min(1).max(10_000_000),
  /** a points + cash price is shown only: paying cash needs WeChat Pay JSAPI, which the mall does not take */
  cashFen: z.number().int().min(0).max(100_000_000).default(0),
  stock: z.number().int().min(1).max(1_000_000).nullable(),
  perMemberLimit: z.number().int().min(1).max(100).default(1),
  eligibleTiers: z.array(z.number().int().min(1).max(10)).max(10).default([]),
  availableFrom: instant.nullable().default(null),
  availableTo: instant.nullable().default(null),
  sort: z.number().int().min(0).max(9999).default(0),
  fulfilment: z.array(z.enum(FULFILMENTS)).min(1).max(2),
  /** an unclaimed pickup lapses after this many days */
  pickupDays: z.number().int().min(1).max(90).default(14),
  /** a lapsed pickup gives the points back (else they are forfeited) */
  refundOnExpiry: z.boolean().default(true),
  status: z.enum(['active', 'paused']).default('active'),
}

type GiftShape = { availableFrom: string | null; availableTo: string | null; fulfilment: string[] }
const giftChecks = (g: GiftShape, ctx: z.RefinementCtx) => {
  if (g.availableFrom && g.availableTo && Date.parse(g.availableTo) <= Date.parse(g.availableFrom))
    ctx.addIssue({ code: 'custom', path: ['availableTo'], message: 'window ends before it starts' })
  if (new Set(g.fulfilment).size !== g.fulfilment.length)
    ctx.addIssue({ code: 'custom', path: ['fulfilment'], message: 'listed twice' })
}

export const giftInput = z.strictObject(giftFields).superRefine(giftChecks)
export type GiftInput = z.infer<typeof giftInput>
/** An edit names the version the operator saw: two operators editing one gift cannot both win. */
export const giftUpdate = z
  .strictObject({ ...giftFields, version: z.number().int().min(0), note: z.string().max(200).default('') })
  .superRefine(giftChecks)
export type GiftUpdate = z.infer<typeof giftUpdate>
export const giftIdParam = z.string().regex(/^[0-9]{6}$/)

export const giftImage = z.object({ imageId: z.string(), thumbUrl: z.string(), url: z.string() })
export type GiftImage = z.infer<typeof giftImage>

/** A gift as the console lists it: its configuration, version and how much of its stock is left. */
export type GiftConfigView = GiftInput & {
  giftId: string
  version: number
  stockLeft: number | null
  images: GiftImage[]
}

/** An uploaded gift picture: a data URL of a JPEG, PNG or WebP (the bytes decide, not the label). */
export const GIFT_IMAGE_MAX_BYTES = 2 * 1024 * 1024
export const giftImageUpload = z.strictObject({
  dataUrl: z
    .string()
    .max(Math.ceil((GIFT_IMAGE_MAX_BYTES * 4) / 3) + 40)
    .regex(/^data:image\/[a-z]+;base64,[A-Za-z0-9+/]+={0,2}$/),
})

export const mallGift = z.object({
  giftId: z.string(),
  name: z.string(),
  kind: z.enum(GIFT_KINDS),
  category: z.string(),
  description: z.string(),
  images: z.array(giftImage),
  pricePoints: z.number().int(),
  cashFen: z.number().int(),
  stockLeft: z.number().int().nullable(),
  perMemberLimit: z.number().int(),
  redeemedByMe: z.number().int(),
  availableFrom: z.string().nullable(),
  availableTo: z.string().nullable(),
  fulfilment: z.array(z.enum(FULFILMENTS)),
  pickupDays: z.number().int(),
  eligibleTiers: z.array(z.number().int()),
  /** null when the member can redeem it now; else why not (GIFT_BLOCKER_TEXT) */
  blocker: z.string().nullable(),
})
export type MallGift = z.infer<typeof mallGift>

export const mallCatalogue = z.object({
  balance: z.number().int(),
  tierLevel: z.number().int(),
  categories: z.array(z.string()),
  items: z.array(mallGift),
})
export type MallCatalogue = z.infer<typeof mallCatalogue>

export const addressInput = z.strictObject({
  name: z.string().trim().min(1).max(20),
  phone: z.string().regex(/^1[3-9][0-9]{9}$/),
  region: z.string().trim().min(1).max(60),
  detail: z.string().trim().min(1).max(120),
})
export type AddressInput = z.infer<typeof addressInput>
export const addressView = addressInput.extend({ addressId: z.string() })
export type AddressView = z.infer<typeof addressView>
export const addressIdParam = z.string().regex(/^a[0-9]{1,3}$/)

export const redeemGiftRequest = z.strictObject({
  fulfilment: z.enum(FULFILMENTS),
  addressId: addressIdParam.optional(),
})
export type RedeemGiftRequest = z.infer<typeof redeemGiftRequest>

export const redemptionIdParam = z.string().regex(/^[1-9][0-9]{12}$/)

export const giftRedemption = z.object({
  redemptionId: z.string(),
  giftId: z.string(),
  giftName: z.string(),
  thumbUrl: z.string().nullable(),
  pricePoints: z.number().int(),
  fulfilment: z.enum(FULFILMENTS),
  status: z.enum(REDEMPTION_STATUSES),
  statusText: z.string(),
  redeemedAt: z.string(),
  /** a pickup's last day to collect; null for deliveries */
  expiresAt: z.string().nullable(),
  address: addressInput.nullable(),
  carrier: z.string().nullable(),
  trackingNo: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** points given back (cancel, or a lapsed pickup with refund); null when none */
  refundedPoints: z.number().int().nullable(),
  /** the member's balance right after the redemption was paid (only on the redeem answer) */
  balanceAfter: z.number().int().optional(),
})
export type GiftRedemption = z.infer<typeof giftRedemption>

export const redemptionListQuery = z.strictObject({ status: z.enum(REDEMPTION_STATUSES).optional() })
export const shipRequest = z.strictObject({
  carrier: z.string().trim().min(1).max(20),
  trackingNo: z.string().regex(/^[A-Za-z0-9-]{4,40}$/),
})
export const operatorCancelRequest = z.strictObject({ note: z.string().trim().min(1).max(200) })
/** Any text the desk typed or scanned: a code that is not one answers PICKUP.CODE_INVALID (提货码无效), as coupons do. */
export const pickupCodeRequest = z.strictObject({ code: z.string().trim().min(1).max(64) })

/** What the desk sees of a scanned pickup code before handing the gift over. */
export const scannedPickup = z.object({
  redemption: giftRedemption,
  member: z.object({ memberNo: z.string(), nickname: z.string() }),
  usable: z.boolean(),
  reason: z.string().nullable(),
})
export type ScannedPickup = z.infer<typeof scannedPickup>
