import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import request from 'supertest'
import type { Connection } from 'mongoose'
import { loadConfig, type AppConfig } from '@mall/config'
import type { MemberLoginResponse, StaffLoginResponse, StaffRole } from '@mall/shared'
import { createApp } from '../../server/src/app'
import { ensureIndexes, type AppContext } from '../../server/src/app-context'
import { connectDatabase } from '../../server/src/db/connect'
import type { DatabaseHealth } from '../../server/src/db/db-health'
import { createWechatClient } from '../../server/src/modules/wechat/wechat-client'
import { storeModel } from '../../server/src/modules/stores/store.model'
import { listen } from '../../server/src/http/keep-alive'
import { TestClock } from './clock'
import { trackChanges } from './db-fingerprint'
import { startWechatStub, type WechatStub } from './wechat-stub'

export interface TestApi {
  url: string
  http: ReturnType<typeof request>
  ctx: AppContext
  conn: Connection
  config: AppConfig
  clock: TestClock
  wechat: WechatStub
  /** the app's view of the database's health (a test marks it down to play an outage) */
  dbHealth: DatabaseHealth
  /** everything the server logged, one JSON line each */
  logs: string[]
  loginMember(devUser: string): Promise<MemberLoginResponse>
  /** signs in (registering on first use) through WeChat login, unionid `u-<openid>` */
  loginByWechat(openid: string, inviter?: string): Promise<MemberLoginResponse>
  addStore(id: string, name?: string): Promise<void>
  loginStaff(username: string, role: StaffRole, storeId: string | null): Promise<StaffLoginResponse>
  stop(): Promise<void>
}

/** A test store's fields besides its name: open all day, no multiplier. */
export const TEST_STORE_FIELDS = {
  floor: 'L1',
  category: '零售',
  multiplierPermille: 1000,
  opensAt: '00:00',
  closesAt: '23:59',
  active: true,
}

/**
 * Starts the real app on a loopback port against the embedded database, in a database of its own,
 * with WeChat replaced by the local stub. Tests talk to it over HTTP like a client would.
 */
export async function startTestApi(
  overrides: Record<string, string> = {},
  /** extra routes for a test (the load test's deliberately naive variant) */
  configure?: (app: ReturnType<typeof createApp>['app'], ctx: AppContext) => void,
): Promise<TestApi> {
  const wechat = await startWechatStub()
  const dbName = `t_${randomBytes(6).toString('hex')}`
  const config = loadConfig({
    NODE_ENV: 'test',
    DB_NAME: dbName,
    WECHAT_API_BASE: wechat.baseUrl,
    WECHAT_APPID: wechat.appId,
    WECHAT_SECRET: wechat.secret,
    DEV_LOGIN: 'true',
    LOG_LEVEL: 'debug',
    RATE_LOGIN_PER_MINUTE: '100000',
    RATE_SCAN_PER_MINUTE: '100000',
    RATE_CLAIM_PER_MINUTE: '100000',
    // Operators' second factor has its own tests (operator-totp); elsewhere operators log in by password.
    OPERATOR_TOTP: 'false',
    ...overrides,
  })
  if (!config.db.uri) throw new Error('MONGODB_URI missing: run through jest (global setup starts the database)')
  const logs: string[] = []
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean))
      cb()
    },
  })
  const logger = pino(
    { level: config.logLevel, redact: { paths: ['sessionKey', '*.sessionKey', 'session_key', '*.session_key'] } },
    sink,
  )
  const conn = await connectDatabase(config.db.uri, dbName, { monitorCommands: true })
  trackChanges(conn)
  const clock = new TestClock()
  const { app, ctx, dbHealth } = createApp({
    config,
    conn,
    wechat: createWechatClient(config.wechat, conn),
    logger,
    now: clock.now,
  })
  configure?.(app, ctx)
  await ensureIndexes(conn)
  const server: Server = listen(app, 0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const http = request(url)

  return {
    url,
    http,
    ctx,
    conn,
    config,
    clock,
    wechat,
    dbHealth,
    logs,
    async loginMember(devUser) {
      const res = await http.post('/api/auth/dev-login').send({ devUser })
      if (res.status !== 200) throw new Error(`dev-login ${devUser}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body
    },
    async loginByWechat(openid, inviter) {
      const code = wechat.loginCode({ openid, unionid: `u-${openid}` })
      const res = await http.post('/api/auth/wechat-login').send({ code, ...(inviter ? { inviter } : {}) })
      if (res.status !== 200) throw new Error(`wechat-login ${openid}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body
    },
    async addStore(id, name = `Store ${id}`) {
      await storeModel(conn).updateOne({ _id: id }, { $set: { ...TEST_STORE_FIELDS, name } }, { upsert: true })
    },
    async loginStaff(username, role, storeId) {
      const password = 'correct horse battery'
      await ctx.services.staff.create({ username, password, displayName: username, role, storeId }).catch((err) => {
        if (!/duplicate|E11000|UNIQUE/.test(String(err))) throw err
      })
      const res = await http.post('/api/staff/auth/login').send({ username, password })
      if (res.status !== 200) throw new Error(`staff login ${username}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body
    },
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await conn.dropDatabase().catch(() => undefined)
      await conn.close()
      await wechat.close()
    },
  }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
