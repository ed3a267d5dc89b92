import * as z from 'zod'
import { wechatCode } from './common'
import { memberCard } from './member'

export const wechatLoginRequest = z.strictObject({
  code: wechatCode,
  /** Invite code from a shared card/poster/link; attribution is the invite issue's job. */
  inviter: z
    .string()
    .regex(/^[A-Z0-9]{4,16}$/)
    .optional(),
})
export type WechatLoginRequest = z.infer<typeof wechatLoginRequest>

/** H5 / demo only: log in as a named demo member. Impossible to enable in production config. */
export const devLoginRequest = z.strictObject({
  devUser: z.string().regex(/^[a-z0-9-]{2,32}$/, 'lowercase letters, digits, dashes'),
  inviter: z
    .string()
    .regex(/^[A-Z0-9]{4,16}$/)
    .optional(),
})
export type DevLoginRequest = z.infer<typeof devLoginRequest>

export const refreshRequest = z.strictObject({ refreshToken: z.string().min(10).max(2048) })

export const sessionTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** seconds until the access token expires */
  expiresIn: z.number().int(),
})
export type SessionTokens = z.infer<typeof sessionTokens>

export const memberLoginResponse = sessionTokens.extend({
  isNewMember: z.boolean(),
  member: memberCard,
})
export type MemberLoginResponse = z.infer<typeof memberLoginResponse>

export const staffLoginRequest = z.strictObject({
  username: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[a-zA-Z0-9_.-]+$/),
  password: z.string().min(1).max(256),
  /** an operator's authenticator code (docs/privacy-security.md) */
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  /** or one of the operator's single-use recovery codes */
  recoveryCode: z
    .string()
    .regex(/^[0-9A-Za-z-]{6,20}$/)
    .optional(),
})

/** An operator without a second factor yet: the password again, then the enrolment's QR code. */
export const staffTotpStartRequest = z.strictObject({
  username: staffLoginRequest.shape.username,
  password: staffLoginRequest.shape.password,
})
export const staffTotpConfirmRequest = z.strictObject({
  enrolToken: z.string().min(1).max(4096),
  code: z.string().regex(/^\d{6}$/),
})
export interface StaffTotpEnrolment {
  enrolToken: string
  otpauthUri: string
  secret: string
  qrSvgDataUrl: string
}

export const staffRoles = ['clerk', 'manager', 'operator'] as const
export type StaffRole = (typeof staffRoles)[number]

export const staffProfile = z.object({
  staffId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(staffRoles),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
})
export type StaffProfile = z.infer<typeof staffProfile>

export const staffLoginResponse = sessionTokens.extend({ staff: staffProfile })
export type StaffLoginResponse = z.infer<typeof staffLoginResponse>
/** The session of a just-enrolled operator and the recovery codes, shown this once. */
export type StaffTotpConfirmResponse = StaffLoginResponse & { recoveryCodes: string[] }
