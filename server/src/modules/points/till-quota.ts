import type { Model } from 'mongoose'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { KeyedMutex } from '../../lib/keyed-mutex'
import { RecentMap } from '../../lib/recent-map'
import type { DailyTotalDoc } from './purchase.model'

export interface TillCaps {
  dailyCapFen: number
  hourlyCapFen: number
}

/** What a lease of one till holds in this process: fen counted in the till's totals, not yet awarded. */
interface Lease {
  dayKey: string
  hourField: string
  leftFen: number
}

// A lease covers about twenty receipts like the one that takes it, and never more than a twentieth
// of the smaller cap (unless that receipt alone is larger): a till writes to the database about once
// per twenty receipts instead of once per receipt. What a lease can strand — in a process that
// crashed, or in another process of the same till near its cap — is bounded by both.
const LEASE_RECEIPTS = 20
const LEASE_CAP_SHARE = 20
// Staff accounts seen by this process; far more than a mall has tills.
const MAX_TILLS = 10_000

/** The newest lease row of a till's day this process knows: cumulative fen leased, in the day and per hour. */
interface LeaseHead {
  seq: number
  amountFen: number
  hours: Record<string, number>
}

/**
 * A till's award caps per Shanghai day and hour, handed out in leases. Each lease is a row of its
 * own, `<staff>:<day>:L<n>`, holding the day's and each hour's fen leased so far: a new lease is
 * checked against both caps on the newest row and written as the next number, so a unique insert
 * decides between processes (FerretDB loses concurrent `$inc`s, which let a till pass its cap).
 * This process hands out a lease's fen receipt by receipt without a round trip and takes a new
 * lease when it runs out or the hour changes; the rest of an earlier hour's lease is given back
 * in the new row. Every fen awarded was leased first, so the caps cannot be passed; a crash loses
 * the rest of a lease, which only makes them stricter; a cap lowered in the console applies from the
 * till's next lease. Controls against a clerk's fraud, not the money rule (that is the ledger's
 * unique keys).
 */
export class TillQuota {
  private readonly leases = new RecentMap<string, Lease>(MAX_TILLS)
  private readonly heads = new RecentMap<string, LeaseHead>(MAX_TILLS)
  private readonly mutex = new KeyedMutex()

  constructor(private readonly totals: Model<DailyTotalDoc>) {}

  /** Takes a receipt's amount from the till's caps; false when it does not fit (nothing taken). */
  take(staffId: string, dayKey: string, hourField: string, amountFen: number, caps: TillCaps): Promise<boolean> {
    return this.mutex.run(staffId, async () => {
      const held = this.leases.get(staffId)
      const current = held && held.dayKey === dayKey && held.hourField === hourField ? held : undefined
      if (current && current.leftFen >= amountFen) {
        current.leftFen -= amountFen
        return true
      }
      // An earlier hour's lease of the same day gives its rest back in the new lease's row.
      const previousHour = held && held.dayKey === dayKey && !current && held.leftFen > 0 ? held : undefined
      // What the hour's lease still holds counts towards this receipt: only the rest is leased.
      const needFen = amountFen - (current?.leftFen ?? 0)
      const share = Math.min(
        Math.floor(Math.min(caps.dailyCapFen, caps.hourlyCapFen) / LEASE_CAP_SHARE),
        amountFen * LEASE_RECEIPTS,
      )
      const size = await this.lease(dayKey, hourField, Math.max(share, needFen), needFen, caps, previousHour)
      if (previousHour) this.leases.delete(staffId)
      if (size === 0) return false
      this.leases.set(staffId, { dayKey, hourField, leftFen: (current?.leftFen ?? 0) + size - amountFen })
      return true
    })
  }

  /** A receipt refused after its amount was taken (recorded before): the amount goes back to the lease. */
  giveBack(staffId: string, dayKey: string, hourField: string, amountFen: number): void {
    const held = this.leases.get(staffId)
    if (held && held.dayKey === dayKey && held.hourField === hourField) held.leftFen += amountFen
  }

  /**
   * Writes the till's next lease row: `wanted` fen, or as much of it as the caps leave if that is at
   * least `needed`. Resolves with the fen leased (0: the caps do not leave `needed`; the rest of the
   * earlier hour's lease, if any, is given back either way).
   */
  private async lease(
    dayKey: string,
    hourField: string,
    wanted: number,
    needed: number,
    caps: TillCaps,
    previousHour?: Lease,
  ): Promise<number> {
    // From the newest row this process knows, without a read: the insert of the next number succeeds
    // only if that row is the newest, so a stale start costs a retry, never a cap passed.
    let head = this.heads.get(dayKey) ?? { seq: 0, amountFen: 0, hours: {} }
    for (;;) {
      const dayFen = head.amountFen - (previousHour?.leftFen ?? 0)
      const hours = { ...head.hours }
      if (previousHour) hours[previousHour.hourField] = (hours[previousHour.hourField] ?? 0) - previousHour.leftFen
      const room = Math.min(caps.dailyCapFen - dayFen, caps.hourlyCapFen - (hours[hourField] ?? 0))
      const size = room >= wanted ? wanted : room >= needed ? room : 0
      if (size === 0 && !previousHour) return 0
      hours[hourField] = (hours[hourField] ?? 0) + size
      const next: LeaseHead = { seq: head.seq + 1, amountFen: dayFen + size, hours }
      if (
        await insertOnce(this.totals, {
          _id: `${dayKey}:L${next.seq}`,
          amountFen: next.amountFen,
          count: next.seq,
          hours,
        })
      ) {
        this.heads.set(dayKey, next)
        return size
      }
      // Another process wrote that lease first: decide again on the newest row.
      head = await this.newest(dayKey, head)
    }
  }

  /** The newest lease row from `known` on, probing forward by `_id`. */
  private async newest(dayKey: string, known: LeaseHead): Promise<LeaseHead> {
    let head = known
    for (;;) {
      const next = await findById<DailyTotalDoc>(this.totals, `${dayKey}:L${head.seq + 1}`)
      if (!next) break
      head = { seq: next.count, amountFen: next.amountFen, hours: next.hours ?? {} }
    }
    return head
  }
}
