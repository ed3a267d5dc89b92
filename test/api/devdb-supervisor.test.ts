import { mkdtempSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startDevDb } from '../../server/src/db/devdb'
import { superviseDevDb } from '../../server/src/db/devdb-supervisor'
import { isRunning } from '../support/processes'

/**
 * The supervisor of the embedded database (server/src/db/devdb-supervisor.ts) when a restart cannot
 * work: the port it had was taken while it was down. It must give up (the server then exits 70 for its
 * process manager), not report a restart; and stopping it meanwhile (SIGTERM to the server during the
 * outage) must return: it waited for an exit event of the SIGKILLed process that had already come.
 */
jest.setTimeout(60_000)
const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'mall-devdb-port-'))

/** Listens on `port` (0: any), retrying while it is still held by a process on its way out. */
async function occupy(port = 0): Promise<net.Server> {
  for (let i = 0; ; i++) {
    const server = net.createServer((socket) => socket.destroy())
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (ok) return server
    if (i > 400) throw new Error(`port ${port} stayed busy`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port

it('a start on a port another process listens on fails', async () => {
  const other = await occupy()
  try {
    await expect(startDevDb({ dataDir: dataDir(), fastUnsafe: true, port: portOf(other) })).rejects.toThrow(/exited/)
  } finally {
    other.close()
  }
})

it('stopped while the database is down (SIGKILLed, its restart pending), the supervisor returns', async () => {
  const db = await superviseDevDb(
    { dataDir: dataDir(), fastUnsafe: true },
    { onExit: () => undefined, onRestart: () => undefined, onGiveUp: () => undefined },
  )
  const pid = db.pid()
  process.kill(pid, 'SIGKILL')
  while (isRunning(pid)) await new Promise((r) => setTimeout(r, 5))
  const stopped = await Promise.race([
    db.stop().then(() => 'stopped'),
    new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3_000)),
  ])
  expect(stopped).toBe('stopped')
})

it('the supervisor gives up when the port was taken while the database was down', async () => {
  const gaveUp: unknown[] = []
  const restarts: number[] = []
  const db = await superviseDevDb(
    { dataDir: dataDir(), fastUnsafe: true },
    { onExit: () => undefined, onRestart: (attempt) => restarts.push(attempt), onGiveUp: (err) => gaveUp.push(err) },
  )
  const port = Number(new URL(db.uri).port)
  process.kill(db.pid(), 'SIGKILL')
  const other = await occupy(port) // within the first backoff (0.1 s)
  try {
    const deadline = Date.now() + 30_000
    while (gaveUp.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(restarts).toEqual([])
    expect(gaveUp).toHaveLength(1)
  } finally {
    other.close()
    await db.stop()
  }
})
