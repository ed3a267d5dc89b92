import * as z from 'zod'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

export const storeDayQuery = z.strictObject({
  day: day.optional(),
  storeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional(),
})

export const staffOperation = z.object({
  kind: z.enum(['purchase', 'coupon']),
  at: z.string(),
  /** receipt number or coupon id, as the undo routes take it */
  ref: z.string(),
  memberId: z.string(),
  title: z.string(),
  amountFen: z.number().int().nullable(),
  points: z.number().int().nullable(),
  status: z.string(),
  staffId: z.string(),
  /** who did it, as people call them (the account's display name) */
  staffName: z.string(),
  undoableUntil: z.string().nullable(),
  flags: z.array(z.string()),
})
export type StaffOperation = z.infer<typeof staffOperation>

/**
 * A store's whole-day takings, members and non-members, as the store reports them (from its till):
 * the base for the member share of sales and the non-member average ticket.
 */
export const storeSalesReport = z.strictObject({
  day,
  storeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional(),
  totalSalesFen: z.number().int().min(0).max(100_000_000_00),
  receipts: z.number().int().min(0).max(1_000_000),
})
export type StoreSalesReport = z.infer<typeof storeSalesReport>

export const declaredSales = z.object({
  totalSalesFen: z.number().int(),
  receipts: z.number().int(),
  reportedBy: z.string(),
  reportedAt: z.string(),
})

export const storeDaySummary = z.object({
  storeId: z.string(),
  day: z.string(),
  purchases: z.number().int(),
  amountFen: z.number().int(),
  points: z.number().int(),
  couponsRedeemed: z.number().int(),
  pendingApprovals: z.number().int(),
  flagged: z.number().int(),
  byStaff: z.array(
    z.object({
      staffId: z.string(),
      /** the staff member's display name (the id when the account is gone) */
      staffName: z.string().optional(),
      purchases: z.number().int(),
      amountFen: z.number().int(),
      points: z.number().int(),
    }),
  ),
  /** the store's reported whole-day takings, null until reported */
  declared: declaredSales.nullable().optional(),
})
export type StoreDaySummary = z.infer<typeof storeDaySummary>

export const auditQuery = z.strictObject({
  staffId: z
    .string()
    .regex(/^[a-z0-9_.-]{1,64}$/)
    .optional(),
  storeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional(),
  action: z.string().max(100).optional(),
  outcome: z.string().max(60).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
})
