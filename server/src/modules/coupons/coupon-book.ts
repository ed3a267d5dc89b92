import { Schema, type Connection, type Model } from 'mongoose'
import { AppendChain } from '../../db/append-chain'
import { findById, updateById } from '../../db/by-id'
import { getModel } from '../../db/connect'
import type { CouponDoc, CouponModels } from './coupon.model'

/**
 * One claim attempt in a member's coupon book: `_id` = `<memberId>:<n>`, n = 1, 2, 3… with no gaps, a
 * chain that only counts (db/append-chain.ts; a pointer is never deleted, a failed attempt is marked, not
 * removed), so the book is read with `_id` lookups only. FerretDB v1 answers `coupons.find({ memberId })`
 * by scanning every coupon of every member (0.01× the baseline at 10k members); this keeps "my coupons"
 * and the coupon centre independent of how many coupons the mall has issued.
 *
 * The pointer is written before the slot insert and names the claim by its `claimId` and the coupon
 * about to be inserted, so a crash between the two leaves a pointer that reads as nothing; the
 * coupon document stays the only truth, checked by `claimId` on every read. (Pointers written
 * before the coupon id was recorded up front got it from migration 2026-12-06-05.)
 */
export interface CouponPointerDoc {
  _id: string
  memberId: string
  templateId: string
  claimId: string
  /** the slot the claim inserts next (a retry on another slot rewrites it before its insert) */
  couponId: string
  failed: boolean
  at: Date
}

/**
 * Where the stored pointer count lives: on the member row (MemberRepo), which the coupon centre and a
 * claim read anyway. A lower bound only: readers read pointers 1…count at once and probe past them one
 * by one, so a lagging or lost `$max` costs them time, not reads (a claim starting from it tries the
 * taken numbers first).
 */
export interface CouponBookHints {
  /** null: not known (a row from before the hints, or no row); 0: the book is empty */
  bookHint(memberId: string): Promise<number | null>
  raiseBookHint(memberId: string, count: number): Promise<void>
}

const pointerSchema = new Schema<CouponPointerDoc>(
  {
    _id: String,
    memberId: String,
    templateId: String,
    claimId: String,
    couponId: String,
    failed: Boolean,
    at: Date,
  },
  { versionKey: false, collection: 'coupon_book' },
)

// The stored pointer count is raised with a member's 4th, 8th, 12th… pointer (a write of the member row).
const BOOK_HINT_EVERY = 4
// Last pointer number this process wrote per member: spares the hint read when the member claims again
// or opens the coupon centre.
const LAST_KNOWN_SIZE = 20_000

export class CouponBook {
  private readonly Pointer: Model<CouponPointerDoc>
  /** The last pointer number this process wrote per member is a lower bound only: the unique insert decides. */
  private readonly book: AppendChain<CouponPointerDoc>

  constructor(
    conn: Connection,
    private readonly m: CouponModels,
    private readonly hints: CouponBookHints,
  ) {
    this.Pointer = getModel(conn, 'CouponPointer', pointerSchema)
    this.book = new AppendChain<CouponPointerDoc>({
      model: this.Pointer,
      rowId: (memberId, n) => `${memberId}:${n}`,
      cacheSize: LAST_KNOWN_SIZE,
      hints: {
        read: async (memberId) => ({ n: (await this.hints.bookHint(memberId)) ?? 0, value: null }),
        write: (memberId, head) => this.hints.raiseBookHint(memberId, head.n),
        // Every few pointers, not awaited: readers read every pointer anyway, a lagging hint only
        // makes them read the last few one after another instead of at once.
        every: BOOK_HINT_EVERY,
      },
    })
  }

  /**
   * Records a claim attempt before its slot insert, naming the coupon it is about to insert; returns
   * the pointer id. `storedHint`: the member row's pointer count when the caller read the row anyway
   * (a cached row will do: the unique insert decides).
   */
  async open(
    memberId: string,
    templateId: string,
    claimId: string,
    now: Date,
    couponId: string,
    storedHint?: number | null,
  ): Promise<string> {
    let from = this.book.known(memberId)
    if (!from) {
      const stored = await this.storedCount(memberId, storedHint)
      // A row that says "empty" (or nothing) must stop saying so before the first pointer exists:
      // readers trust a 0 and probe nothing.
      if (!stored) await this.hints.raiseBookHint(memberId, 1)
      from = { n: stored ?? 0, value: null }
    }
    const pointer = { memberId, templateId, claimId, couponId, failed: false, at: now }
    return (await this.book.append(memberId, () => pointer, { from }))!.row._id
  }

  /** Only the claim that opened a pointer writes to it (a retry on another slot): these `_id` updates never race. */
  async settle(pointerId: string, couponId: string): Promise<void> {
    await updateById(this.Pointer, pointerId, { $set: { couponId } })
  }

  async fail(pointerId: string): Promise<void> {
    await updateById(this.Pointer, pointerId, { $set: { failed: true } })
  }

  /** A claim the sweeper activated may predate its pointer (or the pointer write was lost): add one. */
  async ensure(coupon: CouponDoc, now: Date): Promise<void> {
    const pointers = await this.pointers(coupon.memberId)
    if (pointers.some((p) => p.claimId === coupon.claimId)) return
    await this.open(coupon.memberId, coupon.templateId, coupon.claimId, now, coupon._id)
  }

  /**
   * The member's coupons (any state), each checked against the coupon document it points to; with
   * `ofTemplates`, only coupons of those templates (the pointer names its template, so the others cost
   * no read: a member's book keeps every coupon ever claimed). `storedHint`: the pointer count of a
   * member row the caller has just read (not a cached one: its "empty" may be out of date).
   */
  async coupons(memberId: string, ofTemplates?: ReadonlySet<string>, storedHint?: number | null): Promise<CouponDoc[]> {
    const pointers = (await this.pointers(memberId, storedHint)).filter(
      (p) => !p.failed && (!ofTemplates || ofTemplates.has(p.templateId)),
    )
    const found = await Promise.all(pointers.map((p) => this.resolve(p)))
    return found.filter((c): c is CouponDoc => c !== null && c.memberId === memberId)
  }

  private async resolve(p: CouponPointerDoc): Promise<CouponDoc | null> {
    if (!p.couponId) return null // a pointer of the shape migration 2026-12-06-05 fills, not yet run on this database
    const coupon = await findById<CouponDoc>(this.m.Coupon, p.couponId)
    // A crash before the slot insert left no coupon; a compensated claim freed its slot, which may now hold
    // someone else's coupon.
    return coupon && coupon.claimId === p.claimId ? coupon : null
  }

  private async pointers(memberId: string, storedHint?: number | null): Promise<CouponPointerDoc[]> {
    // A pointer this process wrote is as good a start as the stored hint: both are probed past.
    const stored = this.book.known(memberId)?.n ?? (await this.storedCount(memberId, storedHint))
    if (stored === 0) return [] // the row says the book is empty; a first claim changes that before its pointer
    return this.book.rows(memberId, stored ?? 0)
  }

  /** The member row's pointer count: `given` when the caller read the row anyway, else read here. */
  private async storedCount(memberId: string, given: number | null | undefined): Promise<number | null> {
    return given !== undefined ? given : this.hints.bookHint(memberId)
  }
}
