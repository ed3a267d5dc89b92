import type { Model } from 'mongoose'
import { AppendChain, type ChainHead } from '../../db/append-chain'
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

/** What a till's day has leased after a lease row: cumulative fen, in the day and per hour. */
interface Leased {
  amountFen: number
  hours: Record<string, number>
}

/**
 * A till's award caps per Shanghai day and hour, handed out in leases. Each lease is a row of its
 * own, `<staff>:<day>:L<n>`, in a chain per till and day (db/append-chain.ts), holding the day's and
 * each hour's fen leased so far: a new lease is checked against both caps on the newest row and
 * written as the next number, so a unique insert decides between processes (FerretDB loses concurrent
 * `$inc`s, which let a till pass its cap).
 * This process hands out a lease's fen receipt by receipt without a round trip and takes a new
 * lease when it runs out or the hour changes; the rest of an earlier hour's lease is given back
 * in the new row. Every fen awarded was leased first, so the caps cannot be passed; a crash loses
 * the rest of a lease, which only makes them stricter; a cap lowered in the console applies from the
 * till's next lease. Controls against a clerk's fraud, not the money rule (that is the ledger's
 * unique keys).
 */
export class TillQuota {
  private readonly leases = new RecentMap<string, Lease>(MAX_TILLS)
  private readonly mutex = new KeyedMutex()
  /** No stored hint: a till's day is written by the processes serving it, each starting from its own head. */
  private readonly chain: AppendChain<DailyTotalDoc, Leased>

  constructor(totals: Model<DailyTotalDoc>) {
    this.chain = new AppendChain<DailyTotalDoc, Leased>({
      model: totals,
      rowId: (dayKey, n) => `${dayKey}:L${n}`,
      value: (row) => ({ amountFen: row.amountFen, hours: row.hours ?? {} }),
      empty: { amountFen: 0, hours: {} },
      cacheSize: MAX_TILLS,
    })
  }

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
    let size = 0
    const decide = (head: ChainHead<Leased>): Omit<DailyTotalDoc, '_id'> | null => {
      const dayFen = head.value.amountFen - (previousHour?.leftFen ?? 0)
      const hours = { ...head.value.hours }
      if (previousHour) hours[previousHour.hourField] = (hours[previousHour.hourField] ?? 0) - previousHour.leftFen
      const room = Math.min(caps.dailyCapFen - dayFen, caps.hourlyCapFen - (hours[hourField] ?? 0))
      size = room >= wanted ? wanted : room >= needed ? room : 0
      if (size === 0 && !previousHour) return null
      hours[hourField] = (hours[hourField] ?? 0) + size
      return { amountFen: dayFen + size, count: head.n + 1, hours }
    }
    // Another process writing that lease first makes the chain decide again on the newest row.
    return (await this.chain.append(dayKey, decide)) ? size : 0
  }
}
