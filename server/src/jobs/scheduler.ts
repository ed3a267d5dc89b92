import type { Logger } from 'pino'
import type { Jobs } from '../app-context'
import { shanghaiHour } from '@mall/shared'

/**
 * Runs the background jobs in-process on fixed intervals. Every job is idempotent and keyed, so
 * several server processes may run them at once (they converge); an error is logged, not fatal.
 */
export function startScheduler(jobs: Jobs, now: () => Date, logger: Logger): () => void {
  const every = (name: string, ms: number, run: () => Promise<unknown>) => {
    let running = false
    const tick = async () => {
      if (running) return
      running = true
      try {
        const result = await run()
        logger.debug({ job: name, result }, 'job done')
      } catch (err) {
        logger.error({ err, job: name }, 'job failed')
      } finally {
        running = false
      }
    }
    const timer = setInterval(tick, ms)
    timer.unref()
    setTimeout(tick, 2_000).unref()
    return timer
  }
  const timers = [
    // Sweepers settle intents a crash left half-done once they are 30 s old; running every 10 s
    // keeps "settled within a minute of a restart" with room to spare.
    every('sweep-coupon-claims', 10_000, () => jobs.sweepCouponClaims(now())),
    every('sweep-checkins', 10_000, () => jobs.sweepCheckins(now())),
    every('sweep-referrals', 10_000, () => jobs.sweepReferrals(now())),
    every('sweep-purchases', 10_000, () => jobs.sweepPurchases(now())),
    every('sync-wechat-pay-points', 15_000, () => jobs.syncWechatPayPoints(now())),
    every('sweep-wechat-pay', 60_000, () => jobs.sweepWechatPay(now())),
    // Grants are keyed per member and period, so an hourly run only reaches members new to an audience.
    every('run-campaigns', 60 * 60_000, () => jobs.runCampaigns(now())),
    every('sweep-campaign-grants', 5 * 60_000, () => jobs.sweepCampaignGrants(now())),
    // Keyed per member and month: later runs only reach members who moved into a tier since.
    every('grant-tier-monthly-coupons', 6 * 60 * 60_000, () => jobs.grantTierMonthlyCoupons(now())),
    every('sweep-used-codes', 10 * 60_000, () => jobs.sweepUsedCodes(now())),
    every('expire-points', 60 * 60_000, () => jobs.expirePoints(now())),
    every('evaluate-tiers', 6 * 60 * 60_000, () => jobs.evaluateTiers(now())),
    // Subscribe messages about what expires soon go out in the morning; each is keyed, so reruns send nothing new.
    every('notify-expiring', 60 * 60_000, async () =>
      shanghaiHour(now()) === 10
        ? { points: await jobs.notifyPointsExpiring(now()), coupons: await jobs.notifyCouponsExpiring(now()) }
        : null,
    ),
    every('refresh-notification-audience', 60_000, () => jobs.refreshNotificationAudience()),
    every('send-checkin-reminders', 60 * 60_000, async () =>
      shanghaiHour(now()) === 20 ? jobs.sendCheckinReminders(now()) : 0,
    ),
  ]
  return () => timers.forEach(clearInterval)
}
