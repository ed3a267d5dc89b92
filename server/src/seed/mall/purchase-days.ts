import type { Connection } from 'mongoose'
import { purchaseFactModel, type PurchaseFactDoc } from '../../modules/points/purchase-facts'
import { FIRST_PURCHASE_DAY_ID, purchaseDayModel, purchaseDayRow } from '../../modules/ops/purchase-day-rows'
import { seedDayRows } from './day-rows'

/** The dashboard's purchase day rows for the seeded year (ops/purchase-days.ts), from the purchases' posted facts. */
export function seedPurchaseDays(conn: Connection, facts: PurchaseFactDoc[], now: Date): Promise<number> {
  return seedDayRows(
    {
      Day: purchaseDayModel(conn),
      Fact: purchaseFactModel(conn),
      firstId: FIRST_PURCHASE_DAY_ID,
      firstRow: (day) => ({ day, at: now }),
      facts,
      rows: (days, byDay) => days.map((d) => purchaseDayRow(d, byDay.get(d) ?? [], now)),
    },
    now,
  )
}
