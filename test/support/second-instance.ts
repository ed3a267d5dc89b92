import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import request from 'supertest'
import type { Connection } from 'mongoose'
import { createApp } from '../../server/src/app'
import type { AppContext } from '../../server/src/app-context'
import { connectDatabase } from '../../server/src/db/connect'
import { createWechatClient } from '../../server/src/modules/wechat/wechat-client'
import type { TestApi } from './api-harness'
import { trackChanges } from './db-fingerprint'

export interface OtherInstance {
  url: string
  http: ReturnType<typeof request>
  ctx: AppContext
  conn: Connection
  stop(): Promise<void>
}

/**
 * Another server instance on the same database as `api` (its own connection, caches and memory),
 * as a second process behind a load balancer would be; same config and clock.
 */
export async function startOtherInstance(api: TestApi): Promise<OtherInstance> {
  const conn = await connectDatabase(api.config.db.uri!, api.config.db.name, { monitorCommands: true })
  trackChanges(conn) // its writes count for the fingerprints taken through api.conn
  const { app, ctx } = createApp({
    config: api.config,
    conn,
    wechat: createWechatClient(api.config.wechat, conn),
    logger: pino({ level: 'silent' }),
    now: api.clock.now,
  })
  const server: Server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    http: request(url),
    ctx,
    conn,
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await conn.close()
    },
  }
}
