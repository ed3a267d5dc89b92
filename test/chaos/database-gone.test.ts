import net from 'node:net'
import { databasePid, startServerWithItsDatabase, type SupervisedDatabase } from './database-outage'

/**
 * The embedded database cannot be started again (another process took its port while it was down): the
 * server answers 503 while its supervisor tries with backoff, then exits non-zero (70) so its process
 * manager restarts the whole server, instead of serving 503s for good.
 */
jest.setTimeout(120_000)

let database: SupervisedDatabase
let holder: net.Server | null = null
beforeAll(async () => {
  database = await startServerWithItsDatabase()
})
afterAll(async () => {
  holder?.close()
  await database?.conn.close().catch(() => undefined)
  await database?.server.stop()
})

it('its database cannot come back: 503 meanwhile, then the server exits with 70', async () => {
  const { server, dataDir, dbPort } = database
  const killedAt = Date.now()
  process.kill(databasePid(dataDir), 'SIGKILL')
  for (let i = 0; i < 2_000 && !holder; i++) {
    const s = net.createServer((socket) => socket.destroy())
    holder = await new Promise<net.Server | null>((resolve) => {
      s.once('error', () => resolve(null))
      s.listen(dbPort, '127.0.0.1', () => resolve(s))
    })
    if (!holder) await new Promise((r) => setTimeout(r, 2))
  }
  expect(holder).not.toBeNull() // taken before the supervisor's first attempt (0.1 s after the exit)

  const statuses = new Set<number>()
  while (server.exitCode === null && Date.now() - killedAt < 60_000) {
    const sentAt = Date.now()
    const res = await fetch(`${server.url}/api/health`).catch(() => null)
    // From a second on: the supervisor has seen the exit by then
    if (res && sentAt - killedAt > 1_000) statuses.add(res.status)
    await new Promise((r) => setTimeout(r, 200))
  }
  const exitedAfterMs = Date.now() - killedAt
  process.stdout.write(`database gone: the server exited ${server.exitCode} after ${exitedAfterMs} ms\n`)
  expect(server.exitCode).toBe(70)
  expect([...statuses]).toEqual([503])
  // 7 attempts over 15.85 s of backoff, each failing at once on the taken port.
  expect(exitedAfterMs).toBeLessThan(40_000)
  const log = server.recentLog.join('\n')
  expect(log.match(/restart attempt failed/g)).toHaveLength(7)
  expect(log).toMatch(/cannot be restarted: exiting for the process manager/)
})
