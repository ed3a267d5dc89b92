/**
 * A duration in minutes as a reader takes it in: "45 分钟", "5 小时 20 分钟", "26 天 3 小时" — a large count of
 * minutes ("37646 分钟") says nothing at a glance. Below a day minutes still count; from a day on, hours do.
 */
export function durationInWords(minutes: number): string {
  const m = Math.max(0, Math.round(minutes))
  if (m < 60) return `${m} 分钟`
  if (m < 24 * 60) {
    const rest = m % 60
    return `${Math.floor(m / 60)} 小时${rest ? ` ${rest} 分钟` : ''}`
  }
  const hours = Math.floor(m / 60) % 24
  return `${Math.floor(m / (24 * 60))} 天${hours ? ` ${hours} 小时` : ''}`
}
