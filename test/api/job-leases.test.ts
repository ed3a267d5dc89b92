import { randomBytes } from 'node:crypto'
import type { Jobs } from '../../server/src/app-context'
import { JobLeases, jobLeaseModel } from '../../server/src/jobs/job-lease'
import { jobSchedule, runIfDue } from '../../server/src/jobs/scheduler'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { startOtherInstance, type OtherInstance } from '../support/second-instance'
import { ownDatabase } from '../support/own-database'

/**
 * Periodic jobs run once per period across all server processes (a unique insert `<job>:<period>`),
 * a dead holder's period is taken over after the job's timeout, and messages are claimed before they
 * are sent, so two processes never send one twice.
 */
const conn = ownDatabase()

/** Jobs that do nothing (the test counts the runs of the schedule's entries). */
const idleJobs = new Proxy({} as Jobs, { get: () => async () => null })
jest.setTimeout(120_000)

describe('job leases', () => {
  it('two processes ticking every job for 20 minutes around 20:00 Shanghai: each job once per period', async () => {
    const runs = new Map<string, number>()
    let t = new Date('2026-06-10T11:50:00Z') // 19:50 in Shanghai
    const instances = ['a', 'b'].map((holder) => ({
      leases: new JobLeases(conn(), `${holder}-${randomBytes(3).toString('hex')}`),
      schedule: jobSchedule(idleJobs, () => t),
    }))
    const periods = new Map<string, Set<string>>()
    for (let step = 0; step < 40; step++, t = new Date(t.getTime() + 30_000)) {
      // Both processes look at every job at the same moment, concurrently.
      await Promise.all(
        instances.flatMap(({ leases, schedule }) =>
          schedule.map(async (job) => {
            const period = job.period(t)
            if (period === null) return
            if (job.leased) (periods.get(job.name) ?? periods.set(job.name, new Set()).get(job.name)!).add(period)
            const wrapped = { ...job, run: async () => runs.set(job.name, (runs.get(job.name) ?? 0) + 1) }
            await runIfDue(wrapped, leases, t)
          }),
        ),
      )
    }
    const schedule = instances[0]!.schedule
    for (const job of schedule.filter((j) => j.leased)) {
      expect({ job: job.name, runs: runs.get(job.name) ?? 0 }).toEqual({
        job: job.name,
        runs: periods.get(job.name)?.size ?? 0,
      })
    }
    expect(periods.get('send-checkin-reminders')?.size).toBe(1) // 20:00–20:10: the day's one run
    expect(periods.get('sweep-coupon-claims')?.size).toBe(40)
    // The per-process job runs in both.
    expect(runs.get('refresh-notification-audience')).toBe(80)
  })

  it('MESSAGE_JOBS_EVERY_SECONDS (test runs): the message jobs every few seconds, the rest unchanged', async () => {
    const daily = jobSchedule(idleJobs, () => new Date())
    const short = jobSchedule(idleJobs, () => new Date(), { messageJobsEveryMs: 5_000 })
    const at = new Date('2026-06-10T02:00:07Z') // 10:00:07 in Shanghai
    const periods = (schedule: typeof daily) => Object.fromEntries(schedule.map((j) => [j.name, j.period(at)]))
    expect(periods(daily)).toMatchObject({ 'notify-expiring': '2026-06-10', 'send-checkin-reminders': null })
    expect(periods(short)).toEqual({
      ...periods(daily),
      'notify-expiring': '2026-06-10T02:00:05.000Z',
      'send-checkin-reminders': '2026-06-10T02:00:05.000Z',
    })
  })

  it("a dead holder's period is taken over after the timeout, once; a failed run is given back at once", async () => {
    const a = new JobLeases(conn(), 'a')
    const b = new JobLeases(conn(), 'b')
    const t0 = Date.parse('2026-06-10T02:00:00Z')
    let runs = 0
    const job = async () => ++runs
    // 'a' takes the period and dies without finishing.
    await jobLeaseModel(conn()).create({
      _id: 'expire-points:P1',
      job: 'expire-points',
      period: 'P1',
      holder: 'a',
      at: new Date(t0),
      expiresAt: new Date(t0 + 86_400_000),
    })
    expect(await b.runOnce('expire-points', 'P1', 60_000, t0 + 30_000, job)).toEqual({ ran: false, reason: 'held' })
    const takeovers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).runOnce('expire-points', 'P1', 60_000, t0 + 61_000, job)),
    )
    expect(takeovers.filter((o) => o.ran)).toHaveLength(1)
    expect(runs).toBe(1)
    expect(await a.runOnce('expire-points', 'P1', 60_000, t0 + 200_000, job)).toEqual({ ran: false, reason: 'done' })

    const failing = async () => {
      throw new Error('database went away')
    }
    await expect(a.runOnce('evaluate-tiers', 'P1', 600_000, t0, failing)).rejects.toThrow('went away')
    expect(await b.runOnce('evaluate-tiers', 'P1', 600_000, t0 + 1_000, job)).toMatchObject({ ran: true, attempt: 1 })
  })

  it('a process shutting down gives back the leases of runs it could not finish: taken over at once', async () => {
    const leaving = new JobLeases(conn(), 'leaving')
    const staying = new JobLeases(conn(), 'staying')
    const t0 = Date.parse('2026-06-11T02:00:00Z')
    const cutOff = leaving.runOnce('evaluate-tiers', 'P2', 600_000, t0, () => new Promise<number>(() => undefined))
    await new Promise((r) => setTimeout(r, 100))
    expect(await staying.runOnce('evaluate-tiers', 'P2', 600_000, t0 + 1_000, async () => 1)).toEqual({
      ran: false,
      reason: 'held',
    })
    expect(await leaving.giveBack()).toBe(1)
    expect(await staying.runOnce('evaluate-tiers', 'P2', 600_000, t0 + 2_000, async () => 2)).toEqual({
      ran: true,
      result: 2,
      attempt: 1,
    })
    void cutOff
  })

  it('the latest lease names the process running the jobs', async () => {
    const leases = new JobLeases(conn(), 'holder-latest')
    await leases.runOnce('latest-probe', 'P9', 60_000, Date.parse('2030-01-01T00:00:00Z'), async () => 0)
    expect(await leases.latest()).toMatchObject({ job: 'latest-probe', holder: 'holder-latest' })
  })
})

describe('messages are claimed before sending', () => {
  let api: TestApi
  let other: OtherInstance
  beforeAll(async () => {
    api = await startTestApi()
    other = await startOtherInstance(api)
  })
  afterAll(async () => {
    await other?.stop()
    await api?.stop()
  })

  it('check-in reminders run by two processes at once: one message per member', async () => {
    api.clock.set('2026-06-10T12:00:00Z') // 20:00 in Shanghai
    for (let i = 0; i < 20; i++) {
      const login = await api.http
        .post('/api/auth/wechat-login')
        .send({ code: api.wechat.loginCode({ openid: `o-lease-${i}` }) })
      await api.http.post('/api/me/checkin/reminder').set(bearer(login.body.accessToken)).send({ subscribe: true })
    }
    const before = api.wechat.subscribeMessages.length
    const counts = await Promise.all([
      api.ctx.jobs.sendCheckinReminders(api.clock.now()),
      other.ctx.jobs.sendCheckinReminders(api.clock.now()),
      api.ctx.jobs.sendCheckinReminders(api.clock.now()),
    ])
    const sent = api.wechat.subscribeMessages.slice(before) as Array<{ touser: string }>
    expect(sent).toHaveLength(20)
    expect(new Set(sent.map((m) => m.touser)).size).toBe(20)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20)
  })
})
