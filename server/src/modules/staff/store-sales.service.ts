import { Schema, trusted, type Connection, type Model } from 'mongoose'
import { addDays, shanghaiDay, type StoreSalesReport } from '@mall/shared'
import { getModel } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims } from '../auth/tokens'
import { storeInScope } from './store-scope'
import type { StaffWorkspaceService } from './workspace.service'

/**
 * One store's reported takings for one day: `_id` = `<storeId>:<day>`; a correction overwrites it (the
 * audit log keeps each report).
 */
export interface StoreSalesDoc {
  _id: string
  storeId: string
  day: string
  totalSalesFen: number
  receipts: number
  reportedBy: string
  reportedAt: Date
}
const schema = new Schema<StoreSalesDoc>(
  {
    _id: String,
    storeId: String,
    day: String,
    totalSalesFen: Number,
    receipts: Number,
    reportedBy: String,
    reportedAt: Date,
  },
  { versionKey: false, collection: 'store_sales' },
)
export const storeSalesModel = (conn: Connection): Model<StoreSalesDoc> => getModel(conn, 'StoreSales', schema)

// Reports close the books: a month back is enough to correct one, and keeps old figures stable.
const REPORT_WINDOW_DAYS = 31

/**
 * Whole-day takings reported by the store (members and non-members alike, from its till). Member
 * purchases are recorded by staff one by one; with the total, the programme can show the member
 * share of sales and how member and non-member tickets compare, per store and day.
 */
export class StoreSalesService {
  private readonly Sales: Model<StoreSalesDoc>

  constructor(
    conn: Connection,
    private readonly workspace: StaffWorkspaceService,
  ) {
    this.Sales = storeSalesModel(conn)
  }

  async report(staff: StaffClaims, input: StoreSalesReport, now: Date): Promise<StoreSalesDoc> {
    const storeId = storeInScope(staff, input.storeId)
    const today = shanghaiDay(now)
    if (input.day > today || input.day < addDays(today, -REPORT_WINDOW_DAYS)) {
      throw new DomainError('STORE.SALES_DAY_OUT_OF_RANGE', 'report today or one of the last 31 days')
    }
    // The members' receipts are part of the store's takings: a total below them is a typo.
    const members = await this.workspace.storeDay(staff, input.day, storeId)
    if (input.totalSalesFen < members.amountFen || input.receipts < members.purchases) {
      throw new DomainError('STORE.SALES_BELOW_MEMBER_SALES', 'total below the member purchases recorded that day', {
        memberSalesFen: members.amountFen,
        memberReceipts: members.purchases,
      })
    }
    const doc: StoreSalesDoc = {
      _id: `${storeId}:${input.day}`,
      storeId,
      day: input.day,
      totalSalesFen: input.totalSalesFen,
      receipts: input.receipts,
      reportedBy: staff.sub,
      reportedAt: now,
    }
    await this.Sales.replaceOne({ _id: doc._id }, doc, { upsert: true }).exec()
    return doc
  }

  async declared(storeId: string, day: string): Promise<StoreSalesDoc | null> {
    return this.Sales.findById(`${storeId}:${day}`).lean<StoreSalesDoc>().exec()
  }

  /** Reports for a range of days (a small collection: one row per store and day). */
  inRange(from: string, to: string, storeId?: string): Promise<StoreSalesDoc[]> {
    return this.Sales.find({ day: trusted({ $gte: from, $lte: to }), ...(storeId ? { storeId } : {}) })
      .lean<StoreSalesDoc[]>()
      .exec()
  }
}
