import { EMPTY_WALLET, applyOperation, shanghaiMonth, type WalletOperation, type WalletState } from '@mall/shared'
import type { Connection } from 'mongoose'
import { memberModels } from '../server/src/modules/members/member.model'
import { ledgerModels } from '../server/src/modules/ledger/ledger.model'
import { couponId, couponModels } from '../server/src/modules/coupons/coupon.model'

/**
 * Grows the member base to `total` members, each with a welcome entry in the ledger, by bulk
 * inserts (the shape the real registration writes). Returns the ids of all seeded members.
 */
// Every 10th member (by position in the list) holds coupons: seedHeldCoupons.
const HOLDER_EVERY = 10
const isHolder = (index: number) => index % HOLDER_EVERY === 0

/** Every seeded member's one entry: a welcome credit of 100 points. */
function welcomeCredit(now: Date): WalletOperation {
  return { kind: 'credit', points: 100, earnedMonth: shanghaiMonth(now), expiryMonths: 12 }
}

/** The wallet's head after the welcome entry. */
export function welcomeHead(now: Date): { seq: number; state: WalletState } {
  return { seq: 1, state: applyOperation(EMPTY_WALLET, welcomeCredit(now)).state }
}

export async function growMembers(conn: Connection, already: string[], total: number, now: Date): Promise<string[]> {
  const { Member } = memberModels(conn)
  const { Entry } = ledgerModels(conn)
  const ids = [...already]
  const base = 30_000_000
  const op = welcomeCredit(now)
  const welcome = applyOperation(EMPTY_WALLET, op)
  for (let start = ids.length; start < total; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - start) }, (_, i) => String(base + start + i))
    await Member.collection.insertMany(
      // A new row says its coupon book is empty (holders' rows say 1: see seedHeldCoupons); a welcome
      // posting, as a member's first entry, stores the head hint with its state on the row.
      batch.map((id, i) => ({
        _id: id,
        nickname: `bench-${id}`,
        tierLevel: 1,
        phone: null,
        openid: null,
        inviteCode: `B${id}`,
        source: { channel: 'bench', inviterId: null },
        joinedAt: now,
        bookHint: isHolder(start + i) ? 1 : 0,
        walletHint: { seq: 1, state: welcome.state },
      })) as never[],
    )
    await Entry.collection.insertMany(
      batch.map((id) => ({
        _id: `${id}:1`,
        memberId: id,
        seq: 1,
        eventKey: `welcome:${id}`,
        type: 'welcome',
        op,
        growth: {},
        delta: welcome.delta,
        state: welcome.state,
        meta: {},
        createdAt: now,
      })) as never[],
    )
    // A welcome posting writes no event row (only fenceable payments do).
    ids.push(...batch)
  }
  return ids
}

/**
 * Every `HOLDER_EVERY`-th member holds `perMember` coupons of `templateId`, written in the shape
 * claims write them: each a pointer in the member's coupon book naming its coupon, then the coupon (the
 * first claim raised the row's book hint to 1: `growMembers` wrote the holders' rows so).
 */
export async function seedHeldCoupons(
  conn: Connection,
  ids: string[],
  templateId: string,
  now: Date,
  perMember = 2,
): Promise<number> {
  const holders = ids.filter((_, i) => isHolder(i))
  const { Coupon } = couponModels(conn)
  const validTo = new Date(now.getTime() + 30 * 86400_000).toISOString()
  let slot = 0
  for (let start = 0; start < holders.length; start += 500) {
    const coupons = holders.slice(start, start + 500).flatMap((memberId) =>
      Array.from({ length: perMember }, (_, i) => ({
        _id: couponId(templateId, ++slot),
        templateId,
        slot,
        memberId,
        ordinal: i + 1,
        claimId: `seed-${templateId}-${slot}`,
        state: 'active',
        validFrom: now.toISOString(),
        validTo,
        claimedAt: now,
        redeemedAt: null,
        redeemedBy: null,
        redeemedStoreId: null,
      })),
    )
    await conn.collection('coupon_book').insertMany(
      coupons.map((c) => ({
        _id: `${c.memberId}:${c.ordinal}`,
        memberId: c.memberId,
        templateId,
        claimId: c.claimId,
        couponId: c._id,
        failed: false,
        at: now,
      })) as never[],
    )
    await Coupon.collection.insertMany(coupons as never[])
  }
  return holders.length
}
