import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Rotating signed codes, shown as QR and barcode, so they are all digits:
 *   <purpose:1><subject><step mod 100:2><mac:8>
 * member codes: subject = 8-digit member number (19 digits in all);
 * coupon codes: subject = 6-digit template + 7-digit slot (24 digits in all).
 * pickup codes (points mall): subject = 13-digit gift redemption number (24 digits in all).
 * The MAC is HMAC-SHA256 over (purpose, subject, full step), truncated to 8 decimal digits —
 * enough because a code lives for at most three 30-second steps, is single-use, and the
 * resolve route is rate-limited. The step's last two digits let the verifier find the full step.
 */
export const CODE_PURPOSE = { member: '1', coupon: '2', pickup: '3' } as const
export type CodePurpose = keyof typeof CODE_PURPOSE

const SUBJECT_DIGITS: Record<CodePurpose, number> = { member: 8, coupon: 13, pickup: 13 }
const CODE_PATTERNS = Object.fromEntries(
  Object.entries(SUBJECT_DIGITS).map(([purpose, n]) => [
    purpose,
    new RegExp(`^([0-9])([0-9]{${n}})([0-9]{2})([0-9]{8})$`),
  ]),
) as Record<CodePurpose, RegExp>

export function mac(secret: string, purpose: string, subject: string, step: number): string {
  const digest = createHmac('sha256', secret).update(`mc1|${purpose}|${subject}|${step}`).digest()
  return String(digest.readUInt32BE(0) % 100_000_000).padStart(8, '0')
}

export function signCode(secret: string, purpose: CodePurpose, subject: string, step: number): string {
  if (!new RegExp(`^[0-9]{${SUBJECT_DIGITS[purpose]}}$`).test(subject)) throw new Error(`bad ${purpose} code subject`)
  const p = CODE_PURPOSE[purpose]
  return `${p}${subject}${String(step % 100).padStart(2, '0')}${mac(secret, p, subject, step)}`
}

export type VerifyResult =
  { ok: true; subject: string; step: number } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' }

/**
 * Checks a code against the current step. Accepts steps now-1..now+`stepsAhead` (clock drift between
 * servers; member codes are also issued ahead when the current one was used); a correctly signed code
 * from up to 48 steps earlier is reported as expired.
 */
export function verifyCode(
  secret: string,
  purpose: CodePurpose,
  code: string,
  currentStep: number,
  stepsAhead = 1,
): VerifyResult {
  const match = CODE_PATTERNS[purpose].exec(code)
  if (!match || match[1] !== CODE_PURPOSE[purpose]) return { ok: false, reason: 'malformed' }
  const [, p, subject, stepMod, givenMac] = match as unknown as [string, string, string, string, string]
  // The newest step <= currentStep+stepsAhead whose last two digits match.
  const top = currentStep + stepsAhead
  const step = top - ((((top - Number(stepMod)) % 100) + 100) % 100)
  const expected = mac(secret, p, subject, step)
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(givenMac))) return { ok: false, reason: 'bad_signature' }
  if (step < currentStep - 1) return { ok: false, reason: 'expired' }
  return { ok: true, subject, step }
}
