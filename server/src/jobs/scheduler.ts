import type { Logger } from 'pino'
import type { Jobs } from '../app-context'
import { shanghaiDay, shanghaiHour } from '@mall/shared'
import type { JobLeases, LeaseOutcome } from './job-lease'

/** One periodic job: which period `now` falls in (null: not due now) and how to run it. */
export interface ScheduledJob {
  name: string
  /** how often each process looks whether the job is due */
  tickMs: number
  period: (now: Date) => string | null
  /** a holder silent this long is presumed dead and its period taken over */
  timeoutMs: number
  /** false: runs in every process (it fills this process's memory), without a lease */
  leased: boolean
  run: () => Promise<unknown>
}

const MINUTE = 60_000

export interface ScheduleOptions {
  /** test runs (MESSAGE_JOBS_EVERY_SECONDS): the daily message jobs every this many ms instead */
  messageJobsEveryMs?: number | null
}

/** The job table: every job and its period. Wall-clock times are Asia/Shanghai. */
export function jobSchedule(jobs: Jobs, now: () => Date, opts: ScheduleOptions = {}): ScheduledJob[] {
  // Once per `ms` of the clock across all processes (period = the clock divided into `ms` slices).
  const every = (name: string, ms: number, run: () => Promise<unknown>): ScheduledJob => ({
    name,
    tickMs: ms,
    period: (at) => new Date(Math.floor(at.getTime() / ms) * ms).toISOString(),
    timeoutMs: Math.min(Math.max(ms, 30_000), 10 * MINUTE),
    leased: true,
    run,
  })
  // Once per Shanghai day, at the first tick from `fromHour` (a process started late still runs it
  // before `untilHour`, never in the middle of the night).
  const daily = (name: string, fromHour: number, untilHour: number, run: () => Promise<unknown>): ScheduledJob => ({
    name,
    tickMs: MINUTE,
    period: (at) => (shanghaiHour(at) >= fromHour && shanghaiHour(at) < untilHour ? shanghaiDay(at) : null),
    timeoutMs: 10 * MINUTE,
    leased: true,
    run,
  })
  // Messages go out once a day at their hour; a test run has them every few seconds (keyed all the same).
  const messages = (name: string, fromHour: number, untilHour: number, run: () => Promise<unknown>) =>
    opts.messageJobsEveryMs ? every(name, opts.messageJobsEveryMs, run) : daily(name, fromHour, untilHour, run)
  const everyProcess = (name: string, ms: number, run: () => Promise<unknown>): ScheduledJob => ({
    ...every(name, ms, run),
    leased: false,
  })
  return [
    // Sweepers settle intents a crash left half-done once they are 30 s old (test runs may shorten it:
    // SWEEP_GRACE_SECONDS); running every 10 s keeps "settled within a minute of a restart" with room to spare.
    every('sweep-coupon-claims', 10_000, () => jobs.sweepCouponClaims(now())),
    every('sweep-checkins', 10_000, () => jobs.sweepCheckins(now())),
    every('sweep-referrals', 10_000, () => jobs.sweepReferrals(now())),
    every('sweep-purchases', 10_000, () => jobs.sweepPurchases(now())),
    every('sweep-gift-redemptions', 10_000, () => jobs.sweepGiftRedemptions(now())),
    every('sweep-lottery-draws', 10_000, () => jobs.sweepLotteryDraws(now())),
    every('sync-wechat-pay-points', 15_000, () => jobs.syncWechatPayPoints(now())),
    every('sweep-wechat-pay', 60_000, () => jobs.sweepWechatPay(now())),
    every('sweep-receipt-photos', 600_000, () => jobs.sweepReceiptPhotos(now())),
    // Grants are keyed per member and period, so an hourly run only reaches members new to an audience.
    every('run-campaigns', 60 * 60_000, () => jobs.runCampaigns(now())),
    every('sweep-campaign-grants', 5 * 60_000, () => jobs.sweepCampaignGrants(now())),
    // Keyed per member and month: later runs only reach members who moved into a tier since.
    every('grant-tier-monthly-coupons', 6 * 60 * 60_000, () => jobs.grantTierMonthlyCoupons(now())),
    every('sweep-used-codes', 10 * 60_000, () => jobs.sweepUsedCodes(now())),
    every('sweep-transient-rows', 60 * 60_000, () => jobs.sweepTransientRows(now())),
    // Unclaimed pickups lapse within ten minutes of their last day; each lapse is keyed, reruns change nothing.
    every('expire-gift-pickups', 10 * 60_000, () => jobs.expireGiftPickups(now())),
    every('expire-points', 60 * 60_000, () => jobs.expirePoints(now())),
    every('evaluate-tiers', 6 * 60 * 60_000, () => jobs.evaluateTiers(now())),
    // A day's dashboard row is written once it has been closed 10 minutes; a run finding it there reads one row.
    every('close-kpi-days', 10 * 60_000, () => jobs.closeKpiDays(now())),
    // 注销账号: an account is erased within ten minutes of its cooling-off's end; each step is repeatable.
    every('erase-deleted-accounts', 10 * 60_000, () => jobs.eraseDeletedAccounts(now())),
    // Subscribe messages about what expires soon go out at 10:00; each is keyed, so reruns send nothing new.
    messages('notify-expiring', 10, 12, async () => ({
      points: await jobs.notifyPointsExpiring(now()),
      coupons: await jobs.notifyCouponsExpiring(now()),
    })),
    // Who subscribed to points-earned messages, for this process's own purchase listener.
    everyProcess('refresh-notification-audience', 60_000, () => jobs.refreshNotificationAudience()),
    // Erased members, whose tokens every process refuses (the erasing process knows at once).
    everyProcess('refresh-erased-members', 60_000, () => jobs.refreshErasedMembers()),
    // The check-in reminder goes out at 20:00; each member's is claimed before it is sent.
    messages('send-checkin-reminders', 20, 22, () => jobs.sendCheckinReminders(now())),
  ]
}

/** Runs `job` if it is due at `at` and no other process has run (or holds) its period. */
export async function runIfDue(
  job: ScheduledJob,
  leases: JobLeases,
  at: Date,
): Promise<LeaseOutcome<unknown> | { ran: false; reason: 'not-due' }> {
  const period = job.period(at)
  if (period === null) return { ran: false, reason: 'not-due' }
  if (!job.leased) return { ran: true, result: await job.run(), attempt: 0 }
  return leases.runOnce(job.name, period, job.timeoutMs, at.getTime(), job.run)
}

export interface SchedulerOptions extends ScheduleOptions {
  leases: JobLeases
  /** false while the database is unreachable: ticks are skipped, so jobs pause and resume */
  available?: () => boolean
}

/**
 * Looks at every job on its tick in this process; the lease decides which process runs a period
 * (job-lease.ts). An error is logged, not fatal. The returned stop() ends the ticks and waits for
 * running jobs up to `timeoutMs`; a job cut off then leaves its lease to be taken over.
 */
export function startScheduler(
  jobs: Jobs,
  now: () => Date,
  logger: Logger,
  opts: SchedulerOptions,
): (timeoutMs?: number) => Promise<void> {
  const running = new Set<Promise<void>>()
  const timers: NodeJS.Timeout[] = []
  for (const job of jobSchedule(jobs, now, opts)) {
    let busy = false
    const tick = () => {
      if (busy || opts.available?.() === false) return
      busy = true
      const run = runIfDue(job, opts.leases, now())
        .then((outcome) => logger.debug({ job: job.name, outcome }, 'job tick'))
        .catch((err) => logger.error({ err, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false
          running.delete(run)
        })
      running.add(run)
    }
    const timer = setInterval(tick, job.tickMs)
    timer.unref()
    timers.push(timer, setTimeout(tick, 2_000).unref())
  }
  return async (timeoutMs = 10_000) => {
    timers.forEach(clearTimeout)
    await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, timeoutMs).unref())])
  }
}
