import type { Connection } from 'mongoose'
import { ledgerFactModel, type LedgerFactDoc } from '../../modules/ledger/ledger-facts'
import { dayRows, FIRST_DAY_ID, ledgerDayModel } from '../../modules/ops/ledger-day-rows'
import { seedDayRows } from './day-rows'

/** The dashboard's ledger day rows for the seeded year (ops/ledger-days.ts), from the entries' facts. */
export function seedLedgerDays(conn: Connection, facts: LedgerFactDoc[], now: Date): Promise<number> {
  return seedDayRows(
    {
      Day: ledgerDayModel(conn),
      Fact: ledgerFactModel(conn),
      firstId: FIRST_DAY_ID,
      firstRow: (day) => ({ day }),
      facts,
      rows: (days, byDay) => dayRows(days, byDay, 0, now),
    },
    now,
  )
}
