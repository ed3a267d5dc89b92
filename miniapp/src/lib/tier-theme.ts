/**
 * Card colours per tier level. Level names come from the server (tier.name); colours are
 * purely presentational, so they live here. Unknown higher levels reuse the top theme.
 */
export interface TierTheme {
  className: string
  fallbackName: string
}

const THEMES: Record<number, TierTheme> = {
  1: { className: 'tier-basic', fallbackName: '普通会员' },
  2: { className: 'tier-silver', fallbackName: '银卡会员' },
  3: { className: 'tier-gold', fallbackName: '金卡会员' },
  4: { className: 'tier-diamond', fallbackName: '钻石会员' },
}

export function tierTheme(level: number): TierTheme {
  if (level >= 4) return THEMES[4] as TierTheme
  return THEMES[level] ?? (THEMES[1] as TierTheme)
}
