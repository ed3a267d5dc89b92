import type { Connection } from 'mongoose'
import { EMPTY_WALLET, applyOperation } from '@mall/shared'
import { CouponBook } from '../../server/src/modules/coupons/coupon-book'
import { couponId, couponModels } from '../../server/src/modules/coupons/coupon.model'
import { LedgerService } from '../../server/src/modules/ledger/ledger.service'
import { memberModels, type MemberDoc } from '../../server/src/modules/members/member.model'
import { MemberRepo } from '../../server/src/modules/members/member.repo'
import { MemberService } from '../../server/src/modules/members/member.service'
import { databaseCalls } from '../support/database-calls'
import { ownDatabase } from '../support/own-database'

/**
 * The member row carries the wallet and coupon book hints next to the member's own fields
 * (server/src/modules/members/member.repo.ts), against the embedded database: hint writes never
 * bring back an old tier, phone or tag, and a cold card is the row plus one probe.
 */
let conn: Connection

const database = ownDatabase()
beforeAll(() => {
  conn = database()
})

let next = 0
/** A member row as registration writes it, or (`bookHint: undefined`) as rows from before the hints look. */
async function insertMember(extra: { bookHint?: number } = {}): Promise<string> {
  const _id = String(40_000_000 + next++)
  await memberModels(conn).Member.collection.insertOne({
    _id,
    nickname: 'row',
    tierLevel: 1,
    phone: null,
    openid: null,
    inviteCode: `R${_id}`,
    source: { channel: 'test', inviterId: null },
    joinedAt: new Date(),
    ...extra,
  } as never)
  return _id
}

/** The coupon a claim inserts after opening its pointer. */
async function insertCoupon(memberId: string, templateId: string, slot: number, now: Date): Promise<void> {
  await couponModels(conn).Coupon.collection.insertOne({
    _id: couponId(templateId, slot),
    templateId,
    slot,
    memberId,
    ordinal: slot,
    claimId: `claim-${templateId}-${slot}`,
    state: 'active',
    validFrom: now.toISOString(),
    validTo: now.toISOString(),
    claimedAt: now,
    redeemedAt: null,
    redeemedBy: null,
    redeemedStoreId: null,
  } as never)
}
/** `count` postings of 10 points, by a process of their own (its hints land on the row). */
async function postCreditsOfTen(memberId: string, count: number): Promise<void> {
  const ledger = new LedgerService(conn, new MemberRepo(conn))
  for (let n = 1; n <= count; n++) {
    await ledger.post({
      memberId,
      eventKey: `credit:${memberId}:${n}`,
      type: 'adjust',
      now: new Date(),
      plan: () => ({ op: { kind: 'credit', points: 10, earnedMonth: '2026-11', expiryMonths: 12 } }),
    })
  }
}
const rowOf = async (id: string) => (await memberModels(conn).Member.findById(id).lean<MemberDoc>().exec())!

it('keeps every tier, phone and tag change when hint writes hit the same row at once', async () => {
  const repo = new MemberRepo(conn)
  const id = await insertMember()
  const head = (seq: number) => ({
    seq,
    state: applyOperation(EMPTY_WALLET, { kind: 'credit', points: seq, earnedMonth: '2026-11', expiryMonths: 12 })
      .state,
  })
  for (let round = 1; round <= 30; round++) {
    // FerretDB rewrites the whole row on each update: without one queue per row, a hint write that
    // read the row before the tier change would write the old tier back.
    await Promise.all([
      repo.storeWalletHint(id, head(round)),
      repo.setTierLevel(id, 1 + (round % 4)),
      repo.raiseBookHint(id, round),
      repo.setPhone(id, `1380000${String(round).padStart(4, '0')}`),
      repo.changeTags(id, [`t${round}`], round > 1 ? [`t${round - 1}`] : []),
      repo.storeWalletHint(id, head(round)),
    ])
    const row = await rowOf(id)
    expect({
      tier: row.tierLevel,
      phone: row.phone,
      tags: row.tags,
      book: row.bookHint,
      wallet: row.walletHint?.seq,
    }).toEqual({
      tier: 1 + (round % 4),
      phone: `1380000${String(round).padStart(4, '0')}`,
      tags: [`t${round}`],
      book: round,
      wallet: round,
    })
  }
})

it('reads a cold card as the member row and one probe, in a process that has seen nothing', async () => {
  const id = await insertMember()
  await postCreditsOfTen(id, 6)
  // The hint was stored with the 5th entry: the 6th is found by the probe, the 7th probe misses.
  expect((await rowOf(id)).walletHint?.seq).toBe(5)
  const rows = new MemberRepo(conn)
  const elsewhere = new MemberService(rows, new LedgerService(conn, rows))
  const { result: card, calls } = await databaseCalls(() => elsewhere.card(id))
  expect(card.pointsBalance).toBe(60)
  expect(calls).toEqual(['members.findOne', 'ledger_entries.findOne', 'ledger_entries.findOne'])
})

it('stores the head when a reader had to walk past a hint that was lost', async () => {
  const id = await insertMember()
  await postCreditsOfTen(id, 5)
  await memberModels(conn).Member.collection.updateOne({ _id: id } as never, { $unset: { walletHint: '' } })
  const rows = new MemberRepo(conn)
  expect((await new LedgerService(conn, rows).head(id)).seq).toBe(5)
  expect((await rowOf(id)).walletHint).toMatchObject({ seq: 5, state: { balance: 50 } })
})

it('raises the coupon book hint with every 4th pointer, and another process still finds every coupon', async () => {
  const id = await insertMember()
  const models = couponModels(conn)
  const book = new CouponBook(conn, models, new MemberRepo(conn))
  const now = new Date()
  for (let slot = 1; slot <= 6; slot++) {
    await book.open(id, '900001', `claim-900001-${slot}`, now, couponId('900001', slot))
    await insertCoupon(id, '900001', slot, now)
  }
  await new Promise((r) => setTimeout(r, 200)) // the hint write is not awaited
  expect((await rowOf(id)).bookHint).toBe(4)
  const elsewhere = new CouponBook(conn, models, new MemberRepo(conn))
  expect((await elsewhere.coupons(id)).map((c) => c.slot)).toEqual([1, 2, 3, 4, 5, 6])
})

it('trusts a row that says the coupon book is empty, and a first claim changes that before its pointer', async () => {
  const models = couponModels(conn)
  const now = new Date()
  const reader = new CouponBook(conn, models, new MemberRepo(conn))
  const readsOf = async (memberId: string) => {
    const { result: coupons, calls } = await databaseCalls(() => reader.coupons(memberId))
    return { slots: coupons.map((c) => c.slot), calls }
  }
  // A new member's row says the book is empty: nothing else is read.
  const fresh = await insertMember({ bookHint: 0 })
  expect(await readsOf(fresh)).toEqual({ slots: [], calls: ['members.findOne'] })
  // Another process claims: the row stops saying "empty" before the pointer exists, so this reader sees the coupon.
  const claimer = new CouponBook(conn, models, new MemberRepo(conn))
  await claimer.open(fresh, '900002', 'claim-900002-1', now, couponId('900002', 1))
  expect((await rowOf(fresh)).bookHint).toBe(1)
  await insertCoupon(fresh, '900002', 1, now)
  expect((await readsOf(fresh)).slots).toEqual([1])
  // A row from before the hints says nothing: its book is probed.
  const older = await insertMember()
  await conn.collection('coupon_book').insertOne({
    _id: `${older}:1`,
    memberId: older,
    templateId: '900002',
    claimId: 'claim-900002-2',
    couponId: couponId('900002', 2),
    failed: false,
    at: now,
  } as never)
  await insertCoupon(older, '900002', 2, now)
  expect(await readsOf(older)).toEqual({
    slots: [2],
    calls: ['members.findOne', 'coupon_book.findOne', 'coupon_book.findOne', 'coupons.findOne'],
  })
})
