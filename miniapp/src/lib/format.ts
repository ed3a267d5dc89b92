/** Display helpers shared by the card page; pure so they are unit-tested without Taro. */

/** "8800123456781234" -> "8800 1234 5678 1234": easier to read aloud at the counter. */
export function formatMemberNo(memberNo: string): string {
  const compact = memberNo.replace(/\s+/g, '')
  return compact.replace(/(.{4})(?=.)/g, '$1 ')
}

/** 12345 -> "12,345" without relying on Intl (not guaranteed in every mini-program runtime). */
export function formatPoints(points: number): string {
  const sign = points < 0 ? '-' : ''
  const digits = String(Math.abs(Math.trunc(points)))
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
