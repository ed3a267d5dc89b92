import { EMPTY_WALLET, applyOperation, type WalletState } from '@mall/shared'
import type { LedgerService } from '../modules/ledger/ledger.service'
import type { LedgerEntryDoc } from '../modules/ledger/ledger.model'

export interface ReplayDifference {
  memberId: string
  seq: number
  problem: string
}

export interface ReplayReport {
  members: number
  entries: number
  differences: ReplayDifference[]
}

/**
 * Rebuilds every wallet from its entries (empty wallet + each stored operation) and compares the
 * result with every stored snapshot, the stored delta and the seq chain. 0 differences means the
 * ledger is a complete, consistent audit trail.
 */
export async function replayCheck(ledger: LedgerService): Promise<ReplayReport> {
  // One pass over the whole ledger, grouped in memory: a query per member would scan the
  // collection once per member on FerretDB.
  const byMember = new Map<string, LedgerEntryDoc[]>()
  for (const entry of await ledger.everyEntry()) {
    const rows = byMember.get(entry.memberId) ?? []
    rows.push(entry)
    byMember.set(entry.memberId, rows)
  }
  const differences: ReplayDifference[] = []
  let entries = 0
  for (const [memberId, unsorted] of byMember) {
    let state: WalletState = EMPTY_WALLET
    const rows = unsorted.sort((a, b) => a.seq - b.seq)
    rows.forEach((entry, i) => {
      entries++
      if (entry.seq !== i + 1) differences.push({ memberId, seq: entry.seq, problem: `seq gap: expected ${i + 1}` })
      let replayed: { state: WalletState; delta: number }
      try {
        replayed = applyOperation(state, entry.op, entry.growth)
      } catch (err) {
        differences.push({
          memberId,
          seq: entry.seq,
          problem: `operation refused on replay: ${(err as Error).message}`,
        })
        return
      }
      if (replayed.delta !== entry.delta)
        differences.push({ memberId, seq: entry.seq, problem: `delta ${entry.delta} != replayed ${replayed.delta}` })
      if (canonical(replayed.state) !== canonical(entry.state)) {
        differences.push({ memberId, seq: entry.seq, problem: 'stored state differs from replayed state' })
      }
      if (entry.state.balance < 0 && entry.state.debt === 0)
        differences.push({ memberId, seq: entry.seq, problem: 'negative balance without debt' })
      state = entry.state
    })
    const head = await ledger.head(memberId)
    if (head.seq !== rows.length)
      differences.push({ memberId, seq: head.seq, problem: `head ${head.seq} != ${rows.length} entries` })
  }
  return { members: byMember.size, entries, differences }
}

/** JSON with sorted keys, so documents compare by content, not by key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )
}
