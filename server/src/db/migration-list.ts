import type { Migration } from './migrations'

/**
 * Every data migration, in the order they run (ids sort in that order). Append only: a released
 * migration is never edited, a mistake is fixed by the next one.
 */
export const MIGRATIONS: Migration[] = [
  {
    id: '2026-12-06-01-idempotency-records-dated',
    description: 'idempotency records without createdAt get one, so the transient-rows sweeper can expire them',
    async up(conn) {
      await conn
        .collection('idempotency_records')
        .updateMany({ createdAt: { $exists: false } }, { $set: { createdAt: new Date() } })
    },
  },
]
