import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { Connection } from 'mongoose'
import { JobLeases, jobLeaseModel } from '../../server/src/jobs/job-lease'
import { wechatPayModels } from '../../server/src/modules/wechat-pay/wechat-pay.model'
import { chaosServerEnv, freshDatabase } from '../support/chaos-world'
import { freePort, ServerProcess } from '../support/server-process'
import { startWechatPayStub, type WechatPayStub } from '../support/wechat-pay-stub'

/**
 * SIGTERM to the compiled server while it is busy, as a process manager or a rolling deploy sends it:
 * 12 slow requests are in flight (their bodies still arriving) and the points-sync job is waiting on
 * WeChat Pay. New connections are refused at once; the requests in flight are answered 200; the job,
 * still waiting when SHUTDOWN_TIMEOUT_MS runs out, gives its lease back, so another instance takes its
 * period over at once instead of after the job's timeout; the process exits 0 within the drain timeout.
 */
jest.setTimeout(120_000)
const DRAIN_MS = 2_000
const SLOW_REQUESTS = 12
const SYNC_JOB = 'sync-wechat-pay-points'

let conn: Connection
let pay: WechatPayStub
let server: ServerProcess

beforeAll(async () => {
  const db = await freshDatabase('drain')
  conn = db.conn
  pay = await startWechatPayStub()
  // A payment's points the job owes WeChat: the job's first tick (2 s after start) sends it.
  await wechatPayModels(conn).Sync.create({
    _id: 'drain-txn-1',
    payload: {
      transaction_id: 'drain-txn-1',
      appid: 'wx-drain',
      openid: 'o-drain',
      earn_points: true,
      increased_points: 10,
      points_update_time: new Date().toISOString(),
      total_points: 10,
    },
    attempts: 0,
    done: false,
    nextAt: new Date(Date.now() - 60_000),
    createdAt: new Date(),
    lastError: null,
  })
  const env = chaosServerEnv(db, { ...pay.env(), SHUTDOWN_TIMEOUT_MS: String(DRAIN_MS), WECHAT_TIMEOUT_MS: '30000' })
  server = new ServerProcess(env, await freePort())
})
afterAll(async () => {
  await server?.stop()
  await pay?.close()
  await conn?.dropDatabase().catch(() => undefined)
  await conn?.close()
})

/** A POST whose body is sent in two parts: the server has the request in flight until the rest comes. */
function slowPost(port: number, path: string, body: object) {
  const payload = Buffer.from(JSON.stringify(body))
  const req = http.request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': payload.length },
  })
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }))
    })
    req.on('error', reject)
  })
  req.write(payload.subarray(0, 4))
  return { answer, finish: () => req.end(payload.subarray(4)) }
}

it('SIGTERM: refuses new connections, answers the requests in flight, gives the job lease back, exits 0', async () => {
  const wechat = pay.holdSyncs()
  await server.start()
  const deadline = Date.now() + 20_000
  while (wechat.held() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  expect(wechat.held()).toBe(1) // the job is waiting on WeChat
  const Lease = jobLeaseModel(conn)
  const lease = (await Lease.findOne({ job: SYNC_JOB }).lean())!
  expect(lease).toMatchObject({ job: SYNC_JOB })
  expect(lease.doneAt ?? lease.failedAt).toBeUndefined()
  const another = new JobLeases(conn, 'another-instance')
  expect(await another.runOnce(SYNC_JOB, lease.period, 30_000, Date.now(), async () => 'x')).toEqual({
    ran: false,
    reason: 'held',
  })

  const inFlight = Array.from({ length: SLOW_REQUESTS }, (_, i) =>
    slowPost(server.port, '/api/auth/dev-login', { devUser: `drain-${i}` }),
  )
  await new Promise((r) => setTimeout(r, 300)) // their headers are in: the server is answering them
  const exit = server.terminate()
  await new Promise((r) => setTimeout(r, 200))
  const refused = await fetch(`${server.url}/api/health/live`).then(
    (res) => `answered ${res.status}`,
    (err: Error) => `refused (${(err.cause as { code?: string })?.code ?? err.message})`,
  )
  expect(refused).toBe('refused (ECONNREFUSED)')

  for (const r of inFlight) r.finish()
  const answers = await Promise.all(inFlight.map((r) => r.answer))
  expect(answers.map((a) => a.status)).toEqual(Array(SLOW_REQUESTS).fill(200))
  for (const a of answers) expect(a.body.accessToken).toBeTruthy()

  const { code, ms } = await exit
  process.stdout.write(`graceful shutdown: exit ${code} after ${ms} ms (drain timeout ${DRAIN_MS} ms)\n`)
  expect(code).toBe(0)
  expect(ms).toBeLessThanOrEqual(DRAIN_MS + 3_000) // the job was waited for up to the timeout, then given up
  expect(ms).toBeGreaterThanOrEqual(DRAIN_MS - 500)

  // The lease was given back: another instance takes the period over now, not after the job's timeout.
  expect((await Lease.findById(lease._id).lean())!.failedAt).toBeInstanceOf(Date)
  const takeover = await another.runOnce(SYNC_JOB, lease.period, 30_000, Date.now(), async () => 'taken over')
  expect(takeover).toEqual({ ran: true, result: 'taken over', attempt: 1 })
  wechat.release()
})

it('SIGTERM while its embedded database is down (killed, the restart pending): exits 0 at once', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mall-drain-devdb-'))
  const own = new ServerProcess(
    {
      DEVDB_DATA_DIR: dataDir,
      DEVDB_PORT: String(await freePort()),
      DB_NAME: 'drain_devdb',
      JWT_SECRET: 'drain-secret-drain-secret-drain-secret-0',
      MEMBER_CODE_SECRET: 'drain-secret-drain-secret-drain-secret-0',
      LOG_LEVEL: 'error',
      WECHAT_API_BASE: 'http://127.0.0.1:9',
      SHUTDOWN_TIMEOUT_MS: String(DRAIN_MS),
    },
    await freePort(),
  )
  await own.start()
  const ps = execFileSync('ps', ['-eo', 'pid=,args=']).toString().split('\n')
  const database = Number(
    ps
      .find((l) => l.includes(`-data-dir ${dataDir}`))!
      .trim()
      .split(/\s+/)[0],
  )
  process.kill(database, 'SIGKILL')
  const { code, ms } = await own.terminate() // the supervisor waits 0.1 s before its first restart
  process.stdout.write(`graceful shutdown with the database down: exit ${code} after ${ms} ms\n`)
  expect(code).toBe(0)
  expect(ms).toBeLessThanOrEqual(DRAIN_MS + 1_000) // 5 s when it waited for the killed database's exit
})
