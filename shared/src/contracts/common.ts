import * as z from 'zod'

/** Opaque short strings coming from WeChat (login/phone codes): printable ASCII, bounded. */
export const wechatCode = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII only')

/** Integer amounts in fen (1/100 yuan): money never travels as a float. */
export const fen = z.number().int().min(1).max(100_000_000_00)

export const isoDateTime = z.string()

export const tierSummary = z.object({
  level: z.number().int().min(1),
  name: z.string(),
})
export type TierSummary = z.infer<typeof tierSummary>

/** Routes that take no input still refuse a body: nothing unexpected reaches a handler. */
export const emptyBody = z.strictObject({})
