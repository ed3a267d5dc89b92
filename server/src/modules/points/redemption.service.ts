import type { StaffClaims } from '../auth/tokens'
import type { LedgerService } from '../ledger/ledger.service'
import type { TokenService } from '../auth/tokens'
import { scannedMember } from './scan-token'

/**
 * Points spent at the service desk on a gift. The posting is keyed to the member and the client's
 * Idempotency-Key, so a retried request never spends twice; the wallet rules refuse overdrafts.
 */
export class RedemptionService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly tokens: TokenService,
  ) {}

  async redeem(
    staff: StaffClaims,
    input: { scanToken: string; points: number; item: string },
    idempotencyKey: string,
    now: Date,
  ) {
    const { memberId, atScan } = scannedMember(this.tokens, staff, input.scanToken, now)
    const { entry, replayed } = await this.ledger.post({
      memberId,
      eventKey: `redeem:${memberId}:${idempotencyKey}`,
      type: 'redeem',
      now,
      handedHead: atScan?.head,
      plan: () => ({
        op: { kind: 'debit', points: input.points },
        meta: { item: input.item, staffId: staff.sub, storeId: staff.storeId },
      }),
    })
    return {
      memberId,
      points: -entry.delta,
      item: String(entry.meta.item),
      balanceAfter: entry.state.balance,
      entrySeq: entry.seq,
      replayed,
    }
  }
}
