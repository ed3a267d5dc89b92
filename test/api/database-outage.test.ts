import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import request from 'supertest'
import type { Connection } from 'mongoose'
import { loadConfig } from '@mall/config'
import { createApp } from '../../server/src/app'
import { ensureIndexes } from '../../server/src/app-context'
import { connectDatabase } from '../../server/src/db/connect'
import { startDevDb, type DevDb } from '../../server/src/db/devdb'
import { JobLeases } from '../../server/src/jobs/job-lease'
import { createWechatClient } from '../../server/src/modules/wechat/wechat-client'
import { startWechatStub, type WechatStub } from '../support/wechat-stub'

/**
 * The database goes away under a running app (its own embedded database, SIGKILLed): requests are
 * refused at once with 503 SERVICE.UNAVAILABLE and Retry-After, never a 500 or a hang; readiness says
 * not ready; liveness still answers. The database back on its port: the app serves again by itself.
 */
jest.setTimeout(60_000)
let db: DevDb
let dataDir: string
let conn: Connection
let server: Server
let http: ReturnType<typeof request>
let stub: WechatStub
const lifecycle = { draining: false }

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'mall-outage-'))
  db = await startDevDb({ dataDir, fastUnsafe: true })
  stub = await startWechatStub()
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: db.uri,
    DEV_LOGIN: 'true',
    WECHAT_API_BASE: stub.baseUrl,
    RATE_LOGIN_PER_MINUTE: '100000',
    RATE_CLAIM_PER_MINUTE: '100000',
  })
  conn = await connectDatabase(db.uri, 'outage')
  const { app } = createApp(
    { config, conn, wechat: createWechatClient(config.wechat, conn), logger: pino({ level: 'silent' }) },
    { lifecycle, leases: new JobLeases(conn, 'outage-test') },
  )
  await ensureIndexes(conn)
  server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', resolve))
  http = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
})
afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r))
  await conn?.close().catch(() => undefined)
  await db?.stop()
  await stub?.close()
})

const timed = async <T>(fn: () => PromiseLike<T>): Promise<{ ms: number; res: T }> => {
  const started = Date.now()
  const res = await fn()
  return { ms: Date.now() - started, res }
}

describe('database outage', () => {
  it('serves, then refuses fast with 503 while the database is down, then serves again on its own', async () => {
    const login = await http.post('/api/auth/dev-login').send({ devUser: 'outage-member' })
    expect(login.status).toBe(200)
    const token = login.body.accessToken as string
    const ready = await http.get('/api/health/ready')
    expect(ready.status).toBe(200)
    expect(ready.body).toMatchObject({ ready: true, db: 'up', jobs: { instance: 'outage-test' } })

    process.kill(db.pid, 'SIGKILL')
    await db.exited
    // 20 concurrent requests of each kind, reads and writes, while the database is gone.
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        timed(() =>
          i % 2
            ? http.get('/api/me/card').set('Authorization', `Bearer ${token}`)
            : http.post('/api/auth/dev-login').send({ devUser: `outage-${i}` }),
        ),
      ),
    )
    for (const { ms, res } of attempts) {
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 503, code: 'SERVICE.UNAVAILABLE' })
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
      expect(ms).toBeLessThanOrEqual(1_200) // 0.7 s server selection, and a busy shared CI machine
    }
    // Once known down, refusals do not touch the database at all.
    const fast = await timed(() => http.get('/api/me/card').set('Authorization', `Bearer ${token}`))
    expect(fast.res.status).toBe(503)
    expect(fast.ms).toBeLessThan(200)
    process.stdout.write(
      `outage: 503 latency max ${Math.max(...attempts.map((a) => a.ms))} ms (first wave), ${fast.ms} ms once known\n`,
    )
    expect((await http.get('/api/health/live')).status).toBe(200)
    const notReady = await http.get('/api/health/ready')
    expect(notReady.status).toBe(503)
    expect(notReady.body).toMatchObject({ ready: false, db: 'down' })
    expect((await http.get('/api/health')).status).toBe(503)

    // The database comes back on the same port and data directory.
    const restartedAt = Date.now()
    db = await startDevDb({ dataDir, fastUnsafe: true, port: Number(new URL(db.uri).port) })
    let card = await http.get('/api/me/card').set('Authorization', `Bearer ${token}`)
    while (card.status !== 200 && Date.now() - restartedAt < 10_000) {
      expect(card.status).toBe(503)
      await new Promise((r) => setTimeout(r, 100))
      card = await http.get('/api/me/card').set('Authorization', `Bearer ${token}`)
    }
    process.stdout.write(`outage: serving again ${Date.now() - restartedAt} ms after the database restarted\n`)
    expect(card.status).toBe(200)
    expect(card.body.memberId).toBe(login.body.member.memberId)
    expect((await http.get('/api/health/ready')).body).toMatchObject({ ready: true, db: 'up' })
  })

  it('readiness says not ready while draining', async () => {
    lifecycle.draining = true
    const res = await http.get('/api/health/ready')
    lifecycle.draining = false
    expect(res.status).toBe(503)
    expect(res.body).toMatchObject({ ready: false, db: 'up', draining: true })
  })
})
