import * as z from 'zod'
import { maskPhone } from './phone'

/**
 * Members' personal data as staff and operators see it: masked by default (the server masks before it answers),
 * shown in clear only through a reveal that names a reason and is written to the audit log first.
 * The phone number's mask is `maskPhone` (phone.ts).
 */

/** A member's name for staff eyes: the first character, then stars (张*明 keeps its last character too). */
export function maskName(name: string | null | undefined): string {
  // Array.from so a WeChat nickname's emoji or CJK characters count as one character each
  const chars = Array.from(name ?? '')
  if (chars.length === 0) return ''
  if (chars.length === 1) return '*'
  if (chars.length === 2) return `${chars[0]}*`
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 2, 3))}${chars[chars.length - 1]}`
}

/** A birthday for staff eyes: the decade of the year only ('1990-07-15' -> '199*-**-**'); null when none is on file. */
export function maskBirthday(birthday: string | null | undefined): string | null {
  if (!birthday) return null
  const year = /^(\d{3})\d-\d{2}-\d{2}$/.exec(birthday)
  return year ? `${year[1]}*-**-**` : '****-**-**'
}

/** A delivery address for staff eyes: name and phone masked, the region kept, the street only begun (幸福**** ). */
export function maskAddress<A extends { name: string; phone: string; region: string; detail: string }>(address: A): A {
  return {
    ...address,
    name: maskName(address.name),
    phone: maskPhone(address.phone) ?? '',
    region: address.region,
    detail: `${Array.from(address.detail).slice(0, 2).join('')}****`,
  }
}

/** The personal fields an operator can reveal, with the label the console and the audit log use. */
export const PERSONAL_FIELDS = ['nickname', 'phone', 'birthday'] as const
export type PersonalField = (typeof PERSONAL_FIELDS)[number]
export const PERSONAL_FIELD_LABELS: Record<PersonalField, string> = {
  nickname: '昵称',
  phone: '手机号',
  birthday: '生日',
}

/** Shortest reason accepted for seeing a member's data in clear (a word like "核实" is not a reason). */
export const REVEAL_REASON_MIN = 4

/** Why an operator needs data in clear: written to the audit log (and to an export's first line). */
export const revealReason = z
  .string()
  .trim()
  .min(REVEAL_REASON_MIN)
  .max(200)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters')

export const revealFieldRequest = z.strictObject({ field: z.enum(PERSONAL_FIELDS), reason: revealReason })
export type RevealFieldRequest = z.infer<typeof revealFieldRequest>

export interface RevealFieldResponse {
  memberId: string
  field: PersonalField
  /** the clear value; null when the member has not given it */
  value: string | null
  revealedAt: string
}

/** A gift redemption's delivery address in clear, for the operator who ships it (audited like a field). */
export const revealAddressRequest = z.strictObject({ reason: revealReason })

/** A segment's members as a file: masked unless a reason is given, and then the reveal is audited like one field. */
export const segmentExportRequest = z.strictObject({ reason: revealReason.optional() })
export type SegmentExportRequest = z.infer<typeof segmentExportRequest>
