import { Schema, type Connection, type Model } from 'mongoose'
import { findById, updateById } from '../db/by-id'
import { getModel, insertOnce } from '../db/connect'

/**
 * Each periodic job runs once per period across every server process: the process whose insert of
 * `<job>:<period>` wins runs it; the others skip that period. A holder that dies (or fails) leaves the
 * row without `doneAt`: once it is older than the job's timeout (at once after a failure) the next
 * process to tick takes `<job>:<period>:retry<n>` and runs the period again. The jobs are idempotent and
 * keyed (grants per member and period, messages claimed before sending), so a rerun after a takeover
 * finishes the holder's work instead of doubling it. Rows carry `expiresAt` for the transient-rows
 * sweeper.
 */
export interface JobLeaseDoc {
  _id: string
  job: string
  period: string
  /** which process took it (host:pid:start) */
  holder: string
  at: Date
  doneAt?: Date
  failedAt?: Date
  expiresAt: Date
}

const schema = new Schema<JobLeaseDoc>(
  {
    _id: String,
    job: String,
    period: String,
    holder: String,
    at: Date,
    doneAt: Date,
    failedAt: Date,
    expiresAt: Date,
  },
  { versionKey: false, collection: 'job_leases' },
)
schema.index({ at: -1 }) // readiness: the latest lease (on MongoDB)
schema.index({ expiresAt: 1 })

export const jobLeaseModel = (conn: Connection): Model<JobLeaseDoc> => getModel(conn, 'JobLease', schema)

/** A lease row is kept this long after it is taken: enough to see who ran what in the last day. */
export const JOB_LEASE_RETENTION_MS = 2 * 86_400_000
// Takeovers of one period are bounded: a job failing over and over waits for its next period.
const MAX_ATTEMPTS = 10

export type LeaseOutcome<T> =
  { ran: true; result: T; attempt: number } | { ran: false; reason: 'done' | 'held' | 'gave-up' }

export class JobLeases {
  private readonly Lease: Model<JobLeaseDoc>
  /** leases this process holds for runs in progress */
  private readonly running = new Set<string>()

  constructor(
    conn: Connection,
    /** this process, as recorded on the leases it takes */
    readonly holder: string,
  ) {
    this.Lease = jobLeaseModel(conn)
  }

  /** Runs `run` for `job`'s `period` unless another process ran it or holds it within `timeoutMs`. */
  async runOnce<T>(
    job: string,
    period: string,
    timeoutMs: number,
    nowMs: number,
    run: () => Promise<T>,
  ): Promise<LeaseOutcome<T>> {
    const base = `${job}:${period}`
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const _id = attempt === 0 ? base : `${base}:retry${attempt}`
      const row = { _id, job, period, holder: this.holder, at: new Date(nowMs) }
      if (await insertOnce(this.Lease, { ...row, expiresAt: new Date(nowMs + JOB_LEASE_RETENTION_MS) })) {
        let result: T
        this.running.add(_id)
        try {
          result = await run()
        } catch (err) {
          // Given back at once: the next tick of any process takes the period over.
          await updateById(this.Lease, _id, { $set: { failedAt: new Date() } }).catch(() => undefined)
          throw err
        } finally {
          this.running.delete(_id)
        }
        await updateById(this.Lease, _id, { $set: { doneAt: new Date() } })
        return { ran: true, result, attempt }
      }
      const held = await findById<JobLeaseDoc>(this.Lease, _id)
      if (!held) continue // swept meanwhile: the next attempt decides
      if (held.doneAt) return { ran: false, reason: 'done' }
      if (!held.failedAt && nowMs - new Date(held.at).getTime() < timeoutMs) return { ran: false, reason: 'held' }
    }
    return { ran: false, reason: 'gave-up' }
  }

  /**
   * Shutdown: the leases of runs still in progress are given back (marked failed), so another process
   * takes their periods over at its next tick instead of after the timeout.
   */
  async giveBack(): Promise<number> {
    const held = [...this.running]
    await Promise.all(held.map((id) => updateById(this.Lease, id, { $set: { failedAt: new Date() } })))
    return held.length
  }

  /** The most recent lease taken: who is running the jobs now (readiness reports it). */
  async latest(): Promise<Pick<JobLeaseDoc, 'job' | 'period' | 'holder' | 'at'> | null> {
    return this.Lease.findOne({}, { job: 1, period: 1, holder: 1, at: 1, _id: 0 })
      .sort({ at: -1 })
      .lean<Pick<JobLeaseDoc, 'job' | 'period' | 'holder' | 'at'>>()
      .exec()
  }
}
