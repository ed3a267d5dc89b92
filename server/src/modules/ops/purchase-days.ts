import { trusted, type Connection, type Model } from 'mongoose'
import { addDays } from '@mall/shared'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { purchaseFactModel, type PurchaseFactDoc } from '../points/purchase-facts'
import {
  factId,
  factsOfRow,
  FIRST_PURCHASE_DAY_ID,
  PostedSet,
  purchaseDayModel,
  purchaseDayRow,
  purchaseDayRowId,
  type FirstPurchaseDayDoc,
  type PostedPurchase,
  type PurchaseDayDoc,
} from './purchase-day-rows'
import { JoinedRead, JoinedRun } from './joined-read'
import { lastClosedDay } from './ledger-days'

/** Rows read at once while catching up (the first load of a process reads a year of them). */
const ROWS_AT_ONCE = 16
/** Facts deleted per command once their row is written. */
const DELETE_CHUNK = 500

/**
 * Every posted purchase without scanning the purchases (on FerretDB v1 a find on `status` reads every
 * purchase: 8.8 s at 20,000 members). The earn pipeline writes a fact when a purchase is posted and
 * when it is reversed (points/purchase-facts.ts); closed days' facts are kept in day rows written once
 * by unique insert, in day order without a gap (`closeDays`: the `close-kpi-days` job). Rows never
 * change, so this process keeps the set they add up to and reads only the rows written since, plus
 * the facts not yet in a row (about a day's). The facts are read before the rows: a fact deleted
 * meanwhile is in a row that was written before the delete, so no fact is missed.
 */
export class PurchaseDays {
  private readonly Day: Model<PurchaseDayDoc>
  private readonly Fact: Model<PurchaseFactDoc>
  /** Every posted purchase, by purchase id: shared with other callers, not to be changed. */
  readonly posted: JoinedRead<PostedPurchase[]>
  private readonly closing = new JoinedRun<number>()
  /** the rows folded so far: which marker they belong to, the next day to read, their set */
  private closed: { marker: string; next: string; set: PostedSet } | null = null

  constructor(conn: Connection) {
    this.Day = purchaseDayModel(conn)
    this.Fact = purchaseFactModel(conn)
    this.posted = new JoinedRead(() => this.read())
  }

  private async read(): Promise<PostedPurchase[]> {
    const facts = await this.Fact.find({}).lean<PurchaseFactDoc[]>().exec()
    const closed = await this.foldNewRows()
    if (facts.length === 0) return closed.rows()
    const open = new PostedSet()
    for (const f of facts) open.add(f)
    const kept = closed.rows().filter((p) => !open.isReversed(p._id))
    const added = open.rows().filter((p) => !closed.has(p._id) && !closed.isReversed(p._id))
    return added.length === 0 ? kept : [...kept, ...added].sort((a, b) => (a._id < b._id ? -1 : 1))
  }

  /** The set of every row, reading the rows written since the last call (all of them the first time). */
  private async foldNewRows(): Promise<PostedSet> {
    const marker = await findById<FirstPurchaseDayDoc>(this.Day, FIRST_PURCHASE_DAY_ID)
    if (!marker) {
      this.closed = null
      return new PostedSet()
    }
    const markerKey = `${marker.day}@${new Date(marker.at).getTime()}`
    if (this.closed?.marker !== markerKey) this.closed = { marker: markerKey, next: marker.day, set: new PostedSet() }
    const closed = this.closed
    for (;;) {
      const days = Array.from({ length: ROWS_AT_ONCE }, (_, i) => addDays(closed.next, i))
      const rows = await Promise.all(days.map((d) => this.row(d)))
      for (const row of rows) {
        if (!row) return closed.set
        for (const f of factsOfRow(row)) closed.set.add(f)
        closed.next = addDays(row.day, 1)
      }
    }
  }

  /** Summarises every closed day without a row, in order; callers arriving meanwhile share the run. */
  closeDays(now: Date): Promise<number> {
    return this.closing.run(() => this.close(lastClosedDay(now), now))
  }

  private row(day: string): Promise<PurchaseDayDoc | null> {
    return findById<PurchaseDayDoc>(this.Day, purchaseDayRowId(day))
  }

  /**
   * Each day's row takes the facts of that day and any older one not yet in a row. A closer that loses
   * a row's insert keeps the winner's row and carries its own facts missing from it to the next day;
   * only facts in a written row are deleted.
   */
  private async close(last: string, now: Date): Promise<number> {
    const facts = await this.Fact.find({ day: trusted({ $lte: last }) })
      .lean<PurchaseFactDoc[]>()
      .exec()
    const marking = await this.firstDay(facts, now)
    if (!marking) return 0
    const { first, marked } = marking
    // The newest row: rows run without a gap from the first day, so probe back from the last closed one
    // (none to find when this run marked the first day).
    let newest: string | null = null
    for (let d = last; !marked && d >= first && !newest; d = addDays(d, -1)) if (await this.row(d)) newest = d
    const start = newest ? addDays(newest, 1) : first
    // Facts of days that have their row already: left by a closer stopped before its delete (deleted now
    // if in their day's row), or stragglers written after their day closed (carried to the next row).
    const summarised = await this.alreadyInRows(facts.filter((f) => f.day < start))
    const inRows = new Set(summarised)
    let pending = facts.filter((f) => !inRows.has(f._id)).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
    let inserted = 0
    for (let day = start; day <= last; day = addDays(day, 1)) {
      const due = pending.filter((f) => f.day <= day)
      pending = pending.filter((f) => f.day > day)
      const row = purchaseDayRow(day, due, now)
      if (await insertOnce(this.Day, row as never)) {
        inserted++
        summarised.push(...due.map((f) => f._id))
        continue
      }
      const winner = new Set(factsOfRow((await this.row(day))!).map(factId)) // another process closed it first
      summarised.push(...winner)
      pending = [...due.filter((f) => !winner.has(f._id)), ...pending]
    }
    // One command per chunk of deletes each by `_id` (an `$in` would scan the facts once per chunk).
    for (let i = 0; i < summarised.length; i += DELETE_CHUNK) {
      const ids = summarised.slice(i, i + DELETE_CHUNK)
      await this.Fact.collection.bulkWrite(ids.map((id) => ({ deleteOne: { filter: { _id: id } } })) as never, {
        ordered: false,
      })
    }
    return inserted
  }

  /** Those of `facts` that their day's row holds. */
  private async alreadyInRows(facts: PurchaseFactDoc[]): Promise<string[]> {
    const days = [...new Set(facts.map((f) => f.day))]
    const held = new Set<string>()
    for (const day of days) {
      const row = await this.row(day)
      if (row) for (const f of factsOfRow(row)) held.add(factId(f))
    }
    return facts.filter((f) => held.has(f._id)).map((f) => f._id)
  }

  /** The first day with a row, marked once by the first close that has facts to summarise. */
  private async firstDay(facts: PurchaseFactDoc[], now: Date): Promise<{ first: string; marked: boolean } | null> {
    const existing = await findById<FirstPurchaseDayDoc>(this.Day, FIRST_PURCHASE_DAY_ID)
    if (existing) return { first: existing.day, marked: false }
    if (facts.length === 0) return null
    const earliest = facts.reduce((d, f) => (f.day < d ? f.day : d), facts[0]!.day)
    if (await insertOnce(this.Day, { _id: FIRST_PURCHASE_DAY_ID, day: earliest, at: now }))
      return { first: earliest, marked: true }
    return { first: (await findById<FirstPurchaseDayDoc>(this.Day, FIRST_PURCHASE_DAY_ID))!.day, marked: false }
  }
}

const perConnection = new WeakMap<Connection, PurchaseDays>()

/** The one PurchaseDays of a connection, so the set its rows add up to is kept once per process. */
export function purchaseDays(conn: Connection): PurchaseDays {
  let days = perConnection.get(conn)
  if (!days) perConnection.set(conn, (days = new PurchaseDays(conn)))
  return days
}
