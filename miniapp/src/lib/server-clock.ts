/**
 * Rules that depend on "this month" (tier growth window, evaluation day) must use the server's
 * clock, not the phone's: a phone set a day off around month end would show the wrong window.
 * We remember the skew when a response arrives and apply it to later local readings.
 */

/** server clock minus local clock in ms; 0 when serverTime is unparseable. */
export function clockSkewMs(serverTime: string, receivedAtLocal: number): number {
  const server = Date.parse(serverTime)
  return Number.isFinite(server) ? server - receivedAtLocal : 0
}

/** The server's "now", estimated from the local clock and a previously observed skew. */
export function serverNow(skewMs: number, nowLocal: number): Date {
  return new Date(nowLocal + skewMs)
}
