/**
 * Time steps of the rotating member code (TOTP-like). Pure: the caller passes `now`.
 * The HMAC itself lives on the server because the secret must never reach the client.
 */
export const MEMBER_CODE_STEP_SECONDS = 30

export function timeStep(now: Date, stepSeconds = MEMBER_CODE_STEP_SECONDS): number {
  return Math.floor(now.getTime() / 1000 / stepSeconds)
}

/** When the code for `step` should be replaced on screen. */
export function stepEndsAt(step: number, stepSeconds = MEMBER_CODE_STEP_SECONDS): Date {
  return new Date((step + 1) * stepSeconds * 1000)
}
