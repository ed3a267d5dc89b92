import Router from '@koa/router'
import type { DatabaseHealth } from '../db/db-health'
import type { JobLeases } from '../jobs/job-lease'

export interface Lifecycle {
  /** true from SIGTERM on: readiness says no so the load balancer stops sending requests */
  draining: boolean
}

/**
 * Health for load balancers and process managers:
 * - `/api/health/live`: the process answers (restart it if not);
 * - `/api/health/ready`: pings the database now; 503 while it is unreachable or the process drains.
 *   Also names the process that took the latest job lease (the jobs run wherever a lease is won);
 * - `/api/health`: the quick view (no ping): 503 while the database is known to be down.
 */
export function healthRoutes(
  health: DatabaseHealth,
  lifecycle: Lifecycle,
  now: () => Date,
  leases?: JobLeases,
): Router {
  const router = new Router({ prefix: '/api/health' })
  router.get('/', (c) => {
    c.status = health.available ? 200 : 503
    c.body = { ok: health.available, db: health.available ? 'up' : 'down', time: now().toISOString() }
  })
  router.get('/live', (c) => {
    c.body = { ok: true }
  })
  router.get('/ready', async (c) => {
    const dbUp = await health.ping()
    if (!dbUp) health.markDown('readiness ping failed')
    const latest = dbUp && leases ? await leases.latest().catch(() => null) : null
    const ready = dbUp && !lifecycle.draining
    c.status = ready ? 200 : 503
    c.body = {
      ready,
      db: dbUp ? 'up' : 'down',
      draining: lifecycle.draining,
      jobs: {
        instance: leases?.holder ?? null,
        leader: latest ? { holder: latest.holder, job: latest.job, at: latest.at } : null,
      },
    }
  })
  return router
}
