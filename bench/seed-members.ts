import { EMPTY_WALLET, applyOperation, shanghaiMonth } from '@mall/shared'
import type { Connection } from 'mongoose'
import { memberModels } from '../server/src/modules/members/member.model'
import { ledgerModels } from '../server/src/modules/ledger/ledger.model'

/**
 * Grows the member base to `total` members, each with a welcome entry in the ledger, by bulk
 * inserts (the shape the real registration writes). Returns the ids of all seeded members.
 */
export async function growMembers(conn: Connection, already: string[], total: number, now: Date): Promise<string[]> {
  const { Member } = memberModels(conn)
  const { Entry } = ledgerModels(conn)
  const ids = [...already]
  const base = 30_000_000
  const month = shanghaiMonth(now)
  const welcome = applyOperation(EMPTY_WALLET, { kind: 'credit', points: 100, earnedMonth: month, expiryMonths: 12 })
  for (let start = ids.length; start < total; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - start) }, (_, i) => String(base + start + i))
    await Member.collection.insertMany(
      // A welcome posting, as a member's first entry, stores the head hint with its state on the row.
      batch.map((id) => ({ _id: id, nickname: `bench-${id}`, tierLevel: 1, phone: null, openid: null, inviteCode: `B${id}`, source: { channel: 'bench', inviterId: null }, joinedAt: now, walletHint: { seq: 1, state: welcome.state } })) as never[],
    )
    await Entry.collection.insertMany(
      batch.map((id) => ({ _id: `${id}:1`, memberId: id, seq: 1, eventKey: `welcome:${id}`, type: 'welcome', op: { kind: 'credit', points: 100, earnedMonth: month, expiryMonths: 12 }, growth: {}, delta: welcome.delta, state: welcome.state, meta: {}, createdAt: now })) as never[],
    )
    // A welcome posting writes no event row (only fenceable payments do).
    ids.push(...batch)
  }
  return ids
}
