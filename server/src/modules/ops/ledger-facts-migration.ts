import type { Connection } from 'mongoose'
import { bulkInsert } from '../../db/insert-batch'
import { ledgerFactModel, ledgerFactOf } from '../ledger/ledger-facts'
import { ledgerModels, type LedgerEntryDoc } from '../ledger/ledger.model'

/**
 * Entries posted before the ledger wrote fact rows get theirs (one pass over the ledger, run once per
 * deploy by `npm run db:migrate`), so the close job's first run summarises every past day from them
 * and the liability starts from the whole ledger. A fact already there is kept.
 */
export async function ledgerFactsBeforeTheDayRows(conn: Connection): Promise<void> {
  type Fields = Pick<LedgerEntryDoc, '_id' | 'memberId' | 'seq' | 'type' | 'delta' | 'state' | 'meta' | 'createdAt'>
  const entries = await ledgerModels(conn)
    .Entry.find(
      {},
      {
        memberId: 1,
        seq: 1,
        type: 1,
        delta: 1,
        createdAt: 1,
        'state.balance': 1,
        'meta.tierLevelBefore': 1,
        'meta.tierLevelAfter': 1,
      },
    )
    .lean<Fields[]>()
    .exec()
  await bulkInsert(ledgerFactModel(conn), entries.map(ledgerFactOf))
}
