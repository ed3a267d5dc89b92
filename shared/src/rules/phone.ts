/** Masks a mainland mobile number for display: 138****5678. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null
  if (phone.length < 7) return '*'.repeat(phone.length)
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`
}
