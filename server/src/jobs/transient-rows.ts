import { trusted, type Connection } from 'mongoose'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A collection of rows that only matter for a while, and which of their dates says when they lapse. */
export interface TransientCollection {
  collection: string
  /** the date field the retention counts from */
  field: string
  /** kept this long after `field` (0: `field` is already the expiry) */
  retentionMs: number
  why: string
}

/**
 * Retention of the transient rows (docs/operations.md lists the same). The embedded database (FerretDB
 * v1) has no TTL indexes, so a sweeper deletes them, once per period across instances under its lease;
 * on MongoDB the same sweeper works and needs no TTL index either (one mechanism on both).
 */
export function transientCollections(refreshTokenTtlSeconds: number): TransientCollection[] {
  return [
    {
      collection: 'idempotency_records',
      field: 'createdAt',
      retentionMs: 2 * DAY,
      why: 'a client retry with the same Idempotency-Key is answered the same for 48 h (Stripe keeps 24 h)',
    },
    { collection: 'rate_limit_blocks', field: 'expiresAt', retentionMs: 0, why: 'mean nothing after their window' },
    { collection: 'job_leases', field: 'expiresAt', retentionMs: 0, why: 'who ran which period, for two days' },
    {
      collection: 'checkin_reminder_sends',
      field: 'expiresAt',
      retentionMs: 0,
      why: 'a reminder claim matters on its day only',
    },
    {
      collection: 'used_login_codes',
      field: 'at',
      retentionMs: DAY,
      why: 'a WeChat login code is valid for 5 minutes; a day covers any replay',
    },
    {
      collection: 'used_refresh_tokens',
      field: 'at',
      retentionMs: refreshTokenTtlSeconds * 1000 + DAY,
      why: 'a spent refresh token must stay refused until it would have expired anyway',
    },
  ]
}

export class TransientRowSweeper {
  constructor(
    private readonly conn: Connection,
    private readonly collections: TransientCollection[],
  ) {}

  /** Deletes what has lapsed at `now`; returns how many rows per collection. */
  async sweep(now: Date): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {}
    for (const c of this.collections) {
      const cutoff = new Date(now.getTime() - c.retentionMs)
      const res = await this.conn.collection(c.collection).deleteMany({ [c.field]: trusted({ $lt: cutoff }) })
      deleted[c.collection] = res.deletedCount
    }
    return deleted
  }
}
