import path from 'node:path'
import { hostname } from 'node:os'
import type { Server } from 'node:http'
import { ConfigError, loadConfig } from '@mall/config'
import { createApp } from './app'
import { ensureIndexes } from './app-context'
import { connectDatabase } from './db/connect'
import { DatabaseHealth } from './db/db-health'
import { MIGRATIONS } from './db/migration-list'
import { purchaseDays } from './modules/ops/purchase-days'
import { migrate } from './db/migrations'
import { superviseDevDb, type SupervisedDevDb } from './db/devdb-supervisor'
import { drain, trackInFlight } from './http/drain'
import type { Lifecycle } from './http/health.routes'
import { listen } from './http/keep-alive'
import { createLogger } from './logger'
import { createWechatClient } from './modules/wechat/wechat-client'
import { seedDemo, demoLogins } from './seed/demo'
import { DEMO_MALL, type MallSize } from './seed/mall'
import { startScheduler } from './jobs/scheduler'
import { JobLeases } from './jobs/job-lease'

const REPO_ROOT = path.resolve(__dirname, '../..')

async function main(): Promise<void> {
  const demo = process.argv.includes('--demo')
  const config = loadConfig(
    demo
      ? {
          DEV_LOGIN: 'true',
          // A build of one's own (MINIAPP_OUTPUT_ROOT=dist/h5-mine) can be named, as the e2e tests allow.
          H5_DIST_DIR: process.env.H5_DIST_DIR ?? path.join(REPO_ROOT, 'miniapp/dist/h5'),
          ADMIN_DIST_DIR: process.env.ADMIN_DIST_DIR ?? path.join(REPO_ROOT, 'admin/dist'),
        }
      : {},
  )
  const logger = createLogger(config.logLevel)
  const { indexesAtBoot, jobsEnabled, shutdownTimeoutMs, devDbPort } = config.lifecycle

  // Set once the connection exists; the supervisor tells it at once when the database process exits.
  let dbHealth: DatabaseHealth | null = null
  let devdb: SupervisedDevDb | null = null
  let uri = config.db.uri
  if (!uri) {
    devdb = await superviseDevDb(
      { dataDir: path.resolve(REPO_ROOT, config.db.devDataDir), port: devDbPort, log: (msg) => logger.info(msg) },
      {
        onExit: (code) => {
          logger.warn({ code }, 'embedded database exited: restarting it')
          dbHealth?.markDown(`embedded database exited (${code})`)
        },
        onRestart: (attempt, ms) => logger.warn({ attempt, ms }, 'embedded database restarted'),
        onAttemptFailed: (attempt, err) => logger.warn({ attempt, err }, 'embedded database restart attempt failed'),
        onGiveUp: (err) => {
          logger.fatal({ err }, 'embedded database cannot be restarted: exiting for the process manager')
          process.exit(70) // EX_SOFTWARE
        },
      },
    )
    uri = devdb.uri
  }
  const conn = await connectDatabase(uri, config.db.name, { autoIndex: indexesAtBoot })
  dbHealth = new DatabaseHealth(conn, logger)
  const wechat = createWechatClient(config.wechat, conn)
  const leases = new JobLeases(conn, `${hostname()}:${process.pid}:${Date.now().toString(36)}`)
  const lifecycle: Lifecycle = { draining: false }
  const { app, ctx } = createApp({ config, conn, wechat, logger }, { dbHealth, lifecycle, leases })
  // Production builds indexes and runs the data migrations once per deploy (npm run db:indexes, db:migrate),
  // not in every instance at boot; a dev or demo database gets both here, as its code never reads old shapes.
  if (indexesAtBoot) {
    await ensureIndexes(conn)
    // Instances started together wait for the one running a migration (up to a minute) instead of exiting.
    for (const id of await migrate(conn, MIGRATIONS, undefined, 60_000)) logger.info({ id }, 'data migration applied')
  }
  if (demo) {
    const seeded = await seedDemo(ctx, conn, { mall: mallSize(process.argv) })
    if (seeded) logger.info(seeded, 'demo mall seeded')
  }

  const health = dbHealth
  const stopScheduler = jobsEnabled
    ? startScheduler(ctx.jobs, ctx.now, logger, {
        leases,
        available: () => health.available,
        messageJobsEveryMs: config.lifecycle.messageJobsEveryMs,
      })
    : async () => undefined
  const server: Server = listen(app, config.http.port, config.http.host)
  const inFlight = trackInFlight(server)
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.http.port
  printBanner(
    `http://${config.http.host}:${port}/`,
    demo ? demoLogins(config.auth.operatorTotp) : null,
    devdb ? config.db.devDataDir : null,
  )
  // The dashboard's posted purchases: this process reads the year's day rows once (seconds at tens of
  // thousands of members), now rather than in the first operator's dashboard load (ops/purchase-days.ts).
  purchaseDays(conn)
    .posted.read()
    .catch((err: unknown) => logger.warn({ err }, 'dashboard purchases not read at boot'))

  // SIGTERM: readiness says no at once, in-flight requests and running jobs get SHUTDOWN_TIMEOUT_MS
  // to finish (a job cut off leaves its lease to be taken over), then the database goes.
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    lifecycle.draining = true
    logger.info({ signal, inFlight: inFlight.count() }, 'shutting down: draining')
    const [cut] = await Promise.all([drain(server, inFlight, shutdownTimeoutMs), stopScheduler(shutdownTimeoutMs)])
    const givenBack = await leases.giveBack().catch(() => 0)
    logger.info({ cut, givenBack }, 'drained')
    health.stop()
    await conn.close().catch(() => undefined)
    await devdb?.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

/** `--demo` seeds the demo mall; `--demo-size=small` only the hand-made members, `--demo-size=20000` that many. */
function mallSize(argv: string[]): MallSize | undefined {
  const arg = argv.find((a) => a.startsWith('--demo-size='))?.slice('--demo-size='.length)
  if (arg === 'small') return undefined
  const members = arg ? Number(arg) : DEMO_MALL.members
  if (!Number.isInteger(members) || members < 100 || members > 200_000)
    throw new Error(`--demo-size: 'small' or a number of members from 100 to 200000, not ${arg}`)
  return { ...DEMO_MALL, members }
}

/** `embeddedDataDir`: the embedded database's data directory as configured, null on MONGODB_URI. */
function printBanner(url: string, demoLines: string[] | null, embeddedDataDir: string | null): void {
  const lines = [
    '',
    '  商场会员忠诚度平台  Mall loyalty platform',
    `  Open:      ${url}`,
    `  Staff:     ${url}staff/  (clerks, managers, service desk: the only pages allowed the camera)`,
    `  API:       ${url}api/health`,
    `  Console:   ${url}admin/  (operators)`,
    `  Database:  ${embeddedDataDir ? `embedded FerretDB (SQLite, ${embeddedDataDir})` : 'MONGODB_URI'}`,
  ]
  if (demoLines) {
    lines.push('  Demo logins:')
    for (const l of demoLines) lines.push(`    ${l}`)
  }
  lines.push('  Stop with Ctrl-C', '')
  process.stdout.write(lines.join('\n') + '\n')
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(78) // EX_CONFIG
  }
  process.stderr.write(`fatal: ${err?.stack ?? err}\n`)
  process.exit(1)
})
