import * as z from 'zod'
import { staffRoles } from './auth'
import { httpsImageUrl } from './home-content'
import { passwordProblem } from '../rules/password-policy'

/**
 * Operator console: stores, staff accounts and coupon-template status, each change a version
 * (who, when, before/after). Edits carry the version the operator saw; a stale one is refused with
 * CONFIG.VERSION_CONFLICT, so two operators never silently overwrite each other.
 */

export const storeIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '1–32 letters, digits, _ or -')
/** A staff account id: the username, lower-cased (login is case-insensitive). */
export const staffIdSchema = z.string().regex(/^[a-z0-9_.-]{2,64}$/)
/** Display text: trimmed, no control characters. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]+$/u, 'no control characters')
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')
const note = z
  .string()
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters')
  .default('')
/** The version the editor saw (0 = an entity that has never been changed through the console). */
const seenVersion = z.number().int().min(0).max(1_000_000)

const storeFields = {
  name: text(40),
  floor: text(10),
  category: text(20),
  /** points multiplier in per-mille: 1000 = 1×, 0 = no points at this store */
  multiplierPermille: z.number().int().min(0).max(10_000),
  /** Shanghai time; purchases outside these hours are flagged for review */
  opensAt: hhmm,
  closesAt: hhmm,
  active: z.boolean(),
  /** https logo for the member app's store directory; '' removes it, absent keeps it */
  logoUrl: httpsImageUrl.optional(),
}
const hoursInOrder = { message: 'closesAt must be after opensAt', path: ['closesAt'] }
const opensBeforeCloses = (s: { opensAt: string; closesAt: string }) => s.opensAt < s.closesAt

export const storeCreateRequest = z
  .strictObject({ id: storeIdSchema, ...storeFields, note })
  .refine(opensBeforeCloses, hoursInOrder)
export type StoreCreateRequest = z.infer<typeof storeCreateRequest>
export const storeUpdateRequest = z
  .strictObject({ ...storeFields, version: seenVersion, note })
  .refine(opensBeforeCloses, hoursInOrder)
export type StoreUpdateRequest = z.infer<typeof storeUpdateRequest>

export const storeView = z.object({ id: z.string(), ...storeFields, version: z.number().int() })
export type StoreView = z.infer<typeof storeView>

/** The password an operator sets for an account: the policy of rules/password-policy.ts. */
export const staffPassword = z
  .string()
  .max(256, '密码最多 256 个字符')
  .superRefine((p, ctx) => {
    const problem = passwordProblem(p)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

const staffFields = {
  displayName: text(40),
  role: z.enum(staffRoles),
  /** required for clerks and managers (their store); null for operators (mall-level) */
  storeId: storeIdSchema.nullable(),
}
const storeMatchesRole = (s: { role: string; storeId: string | null }) =>
  s.role === 'operator' ? s.storeId === null : s.storeId !== null
const storeRule = { message: 'clerks and managers need a store; operators have none', path: ['storeId'] }

export const staffCreateRequest = z
  .strictObject({
    username: z
      .string()
      .min(2)
      .max(64)
      .regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, _ . -'),
    ...staffFields,
    password: staffPassword,
    note,
  })
  .refine(storeMatchesRole, storeRule)
export type StaffCreateRequest = z.infer<typeof staffCreateRequest>

export const staffUpdateRequest = z
  .strictObject({ ...staffFields, active: z.boolean(), password: staffPassword.optional(), version: seenVersion, note })
  .refine(storeMatchesRole, storeRule)
export type StaffUpdateRequest = z.infer<typeof staffUpdateRequest>

/** A staff account as the console sees it: never the password hash. */
export const staffAccountView = z.object({
  username: z.string(),
  ...staffFields,
  active: z.boolean(),
  /** locked after repeated failed logins, until this instant */
  lockedUntil: z.string().nullable(),
  version: z.number().int(),
})
export type StaffAccountView = z.infer<typeof staffAccountView>

/** Start or pause issuing a coupon template; `version` is optional for older clients. */
export const couponTemplateStatusRequest = z.strictObject({
  status: z.enum(['active', 'paused']),
  version: seenVersion.optional(),
  note,
})

export const configKind = z.enum(['store', 'staff', 'coupon_template', 'gift', 'receipt_photo_rules', 'home_content'])
export type ConfigKind = z.infer<typeof configKind>

export const configVersionView = z.object({
  kind: configKind,
  entityId: z.string(),
  version: z.number().int(),
  changedBy: z.string(),
  changedAt: z.string(),
  /** null for the version that created the entity */
  before: z.unknown(),
  after: z.unknown(),
  note: z.string(),
})
export type ConfigVersionView = z.infer<typeof configVersionView>
