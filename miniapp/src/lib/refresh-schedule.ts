/**
 * When to fetch the next member code. The server says when the current code expires
 * (`refreshAt`) on *its* clock; phones are often minutes off, so we shift the deadline
 * by the observed skew (serverTime vs. our clock when the response arrived).
 */

/** Never poll faster than this, even if the server's refreshAt is already past. */
export const MIN_REFRESH_DELAY_MS = 1_000
/** Safety cap: a bogus refreshAt must not freeze the code on screen for long. */
export const MAX_REFRESH_DELAY_MS = 5 * 60_000

export interface RefreshPlan {
  /** local epoch ms at which the code should be re-fetched */
  refreshAtLocal: number
  /** server clock minus local clock, ms */
  skewMs: number
}

export function planRefresh(
  response: { refreshAt: string; serverTime: string; stepSeconds: number },
  receivedAtLocal: number,
): RefreshPlan {
  const serverNow = Date.parse(response.serverTime)
  const refreshAtServer = Date.parse(response.refreshAt)
  const skewMs = Number.isFinite(serverNow) ? serverNow - receivedAtLocal : 0
  // Unparseable refreshAt: fall back to one rotation step from now.
  const fallback = receivedAtLocal + Math.max(response.stepSeconds, 1) * 1000
  const target = Number.isFinite(refreshAtServer) ? refreshAtServer - skewMs : fallback
  const delay = clamp(target - receivedAtLocal, MIN_REFRESH_DELAY_MS, MAX_REFRESH_DELAY_MS)
  return { refreshAtLocal: receivedAtLocal + delay, skewMs }
}

/** Whole seconds left for the countdown label; never negative. */
export function secondsUntil(refreshAtLocal: number, nowLocal: number): number {
  return Math.max(0, Math.ceil((refreshAtLocal - nowLocal) / 1000))
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n))
}
