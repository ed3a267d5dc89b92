import path from 'node:path'
import type { Server } from 'node:http'
import { ConfigError, loadConfig } from '@mall/config'
import { createApp } from './app'
import { ensureIndexes } from './app-context'
import { connectDatabase } from './db/connect'
import { startDevDb, type DevDb } from './db/devdb'
import { createLogger } from './logger'
import { createWechatClient } from './modules/wechat/wechat-client'
import { seedDemo, DEMO_LOGINS } from './seed/demo'
import { startScheduler } from './jobs/scheduler'
import { JobLeases } from './jobs/job-lease'
import { hostname } from 'node:os'

const REPO_ROOT = path.resolve(__dirname, '../..')

async function main(): Promise<void> {
  const demo = process.argv.includes('--demo')
  const config = loadConfig(
    demo
      ? {
          DEV_LOGIN: 'true',
          H5_DIST_DIR: path.join(REPO_ROOT, 'miniapp/dist/h5'),
          ADMIN_DIST_DIR: path.join(REPO_ROOT, 'admin/dist'),
        }
      : {},
  )
  const logger = createLogger(config.logLevel)

  let devdb: DevDb | null = null
  let uri = config.db.uri
  if (!uri) {
    devdb = await startDevDb({
      dataDir: path.resolve(REPO_ROOT, config.db.devDataDir),
      log: (msg) => logger.info(msg),
    })
    uri = devdb.uri
  }
  const conn = await connectDatabase(uri, config.db.name)
  const wechat = createWechatClient(config.wechat, conn)
  const { app, ctx } = createApp({ config, conn, wechat, logger })
  await ensureIndexes(conn)
  if (demo) await seedDemo(ctx, conn)

  const leases = new JobLeases(conn, `${hostname()}:${process.pid}:${Date.now().toString(36)}`)
  const stopScheduler = startScheduler(ctx.jobs, ctx.now, logger, { leases })
  const server: Server = app.listen(config.http.port, config.http.host)
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.http.port
  printBanner(`http://${config.http.host}:${port}/`, demo, devdb !== null)

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    void stopScheduler()
    server.close()
    server.closeAllConnections()
    await conn.close().catch(() => undefined)
    await devdb?.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

function printBanner(url: string, demo: boolean, embedded: boolean): void {
  const lines = [
    '',
    '  商场会员忠诚度平台  Mall loyalty platform',
    `  Open:      ${url}`,
    `  API:       ${url}api/health`,
    `  Console:   ${url}admin/  (operators)`,
    `  Database:  ${embedded ? 'embedded FerretDB (SQLite, .devdb/data)' : 'MONGODB_URI'}`,
  ]
  if (demo) {
    lines.push('  Demo logins:')
    for (const l of DEMO_LOGINS) lines.push(`    ${l}`)
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
