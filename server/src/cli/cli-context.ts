import net from 'node:net'
import path from 'node:path'
import pino from 'pino'
import type { Connection } from 'mongoose'
import { loadConfig, type AppConfig } from '@mall/config'
import { createApp } from '../app'
import type { AppContext } from '../app-context'
import { connectDatabase } from '../db/connect'
import { startDevDb, type DevDb } from '../db/devdb'
import { JobLeases } from '../jobs/job-lease'
import { createWechatClient } from '../modules/wechat/wechat-client'

const REPO_ROOT = path.resolve(__dirname, '../../..')

export interface CliContext {
  ctx: AppContext
  conn: Connection
  config: AppConfig
  close(): Promise<void>
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)))
    socket.once('error', () => resolve(false))
  })

/**
 * The app's services for a one-off command (operator CLI, index builds, migrations), on the same
 * database the server uses: MONGODB_URI; else the running server's embedded database on DEVDB_PORT;
 * else the embedded database started on DEVDB_DATA_DIR for the command (the server is not running).
 * Every model is registered, as in the server, so index builds see all of them.
 */
export async function openCliContext(opts: { autoIndex?: boolean } = {}): Promise<CliContext> {
  const config = loadConfig()
  let devdb: DevDb | null = null
  let uri = config.db.uri
  const port = config.lifecycle.devDbPort
  if (!uri && port > 0 && (await answers(port))) uri = `mongodb://127.0.0.1:${port}/`
  if (!uri) {
    devdb = await startDevDb({ dataDir: path.resolve(REPO_ROOT, config.db.devDataDir), port })
    uri = devdb.uri
  }
  const conn = await connectDatabase(uri, config.db.name, { autoIndex: opts.autoIndex ?? false })
  const logger = pino({ level: 'silent' })
  const { ctx } = createApp(
    { config, conn, wechat: createWechatClient(config.wechat, conn), logger },
    { leases: new JobLeases(conn, 'cli') },
  )
  return {
    ctx,
    conn,
    config,
    async close() {
      await conn.close()
      await devdb?.stop()
    },
  }
}
