import type { LedgerService } from './ledger.service'

/** An `expire` as of this day takes every lot: the forfeit is an ordinary wallet operation the replay repeats. */
const EVERY_LOT = '9999-12-31'

/**
 * Forfeits every lot in the wallet in one `forfeit` entry keyed `eventKey` (so a retry never posts twice);
 * a debt (a refund after spending) stays on the books. An empty wallet posts nothing: a later posting into
 * it is answered by its own writer's forfeit (see the erasure's `forfeit-after-close` and an adjustment's
 * `:erased` key).
 */
export async function forfeitEveryLot(
  ledger: LedgerService,
  memberId: string,
  eventKey: string,
  at: Date,
  reason: string,
): Promise<void> {
  const { state } = await ledger.head(memberId)
  if (state.lots.length === 0) return
  await ledger.post({
    memberId,
    eventKey,
    type: 'forfeit',
    now: at,
    plan: () => ({ op: { kind: 'expire', asOfDay: EVERY_LOT }, meta: { reason } }),
  })
}
