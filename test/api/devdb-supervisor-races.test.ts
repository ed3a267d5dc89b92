import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startDevDb } from '../../server/src/db/devdb'
import { superviseDevDb, type SupervisedDevDb, type SupervisorEvent } from '../../server/src/db/devdb-supervisor'
import { acceptsConnections, databaseProcessesOn, isRunning } from '../support/processes'

/**
 * The embedded database's supervisor under forced interleavings: a start that hangs (no URI, or a URI and
 * no listener), the database killed again during its restart, killed twice in quick succession, and its
 * port held by another process for a moment. Each time it must come back on its port within seconds, or
 * (the hung start) the process is killed and the attempt fails in time, leaving nothing behind.
 */
jest.setTimeout(90_000)
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** The database processes running on `dataDir` (the supervised one, and any a start left behind). */
const processesOn = (dataDir: string): number[] =>
  databaseProcessesOn(dataDir).map((l) => Number(l.trim().split(/\s+/)[0]))

/** A stand-in for the database program: writes its pid to `pidFile`, optionally prints `uri`, then hangs. */
function hangingProgram(pidFile: string, uri?: string): string {
  const file = path.join(tmp('mall-devdb-fake-'), 'devdb')
  writeFileSync(file, `#!/bin/sh\necho $$ > ${pidFile}\n${uri ? `echo ${uri}\n` : ''}exec sleep 120\n`)
  chmodSync(file, 0o755)
  return file
}

/** Resolves once the supervisor has restarted `n` times in all and its process accepts connections. */
async function backAfter(db: SupervisedDevDb, n: number, limitMs = 20_000): Promise<number> {
  const started = Date.now()
  const port = Number(new URL(db.uri).port)
  for (;;) {
    const latest = db.history().at(-1)?.event
    if (db.restarts() >= n && latest === 'restarted' && (await acceptsConnections(port))) return Date.now() - started
    if (Date.now() - started > limitMs) throw new Error(`not back: ${JSON.stringify(db.history())}`)
    await sleep(20)
  }
}
const events = (db: SupervisedDevDb) => db.history().map((e: SupervisorEvent) => e.event)
const quiet = { onExit: () => undefined, onRestart: () => undefined, onGiveUp: () => undefined }

describe('a start that hangs is killed and fails in time', () => {
  it('no URI printed', async () => {
    const pidFile = path.join(tmp('mall-devdb-pid-'), 'pid')
    const started = Date.now()
    const start = startDevDb({ dataDir: tmp('mall-devdb-'), binary: hangingProgram(pidFile), startupTimeoutMs: 1_000 })
    await expect(start).rejects.toThrow(/no URI/)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(isRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false)
  })

  it('a URI printed, nothing listening: the process is not left holding the data directory', async () => {
    const pidFile = path.join(tmp('mall-devdb-pid-'), 'pid')
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo
        s.close(() => resolve(port))
      })
    })
    const binary = hangingProgram(pidFile, `mongodb://127.0.0.1:${closed}/`)
    const start = startDevDb({ dataDir: tmp('mall-devdb-'), binary, startupTimeoutMs: 1_000 })
    await expect(start).rejects.toThrow(/did not answer/)
    expect(isRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false)
  })
})

it('killed again during its restart (before it answers), it comes back on its port', async () => {
  const dataDir = tmp('mall-devdb-race-')
  const db = await superviseDevDb({ dataDir, fastUnsafe: true }, quiet)
  try {
    for (let round = 0; round < 3; round++) {
      const first = db.pid()
      const restartsBefore = db.restarts()
      process.kill(first, 'SIGKILL')
      let second: number | undefined
      for (let i = 0; i < 2_000 && second === undefined; i++) {
        second = processesOn(dataDir).find((p) => p !== first)
        if (second === undefined) await sleep(2)
      }
      expect(second).toBeDefined()
      process.kill(second!, 'SIGKILL')
      while (isRunning(second!)) await sleep(2) // gone (and reaped by the supervisor's process)
      expect(await backAfter(db, restartsBefore + 1)).toBeLessThan(10_000)
      expect(processesOn(dataDir)).toEqual([db.pid()])
    }
    // Each second kill met the new process either still starting (an attempt failed) or just up (an exit).
    expect(events(db).filter((e) => e === 'exited').length).toBeGreaterThanOrEqual(3)
    expect(events(db)).not.toContain('gave up')
  } finally {
    await db.stop()
  }
})

it('killed twice in quick succession, each time it comes back within seconds', async () => {
  const dataDir = tmp('mall-devdb-twice-')
  const db = await superviseDevDb({ dataDir, fastUnsafe: true }, quiet)
  try {
    const backMs: number[] = []
    for (let k = 1; k <= 6; k++) {
      const pid = db.pid()
      process.kill(pid, 'SIGKILL')
      while (isRunning(pid)) await sleep(2)
      backMs.push(await backAfter(db, k))
    }
    expect(Math.max(...backMs)).toBeLessThan(10_000)
    expect(events(db).filter((e) => e === 'restarted')).toHaveLength(6)
    expect(processesOn(dataDir)).toEqual([db.pid()])
  } finally {
    await db.stop()
  }
})

it('its port held by another process for a moment: restarted once the port is free', async () => {
  const dataDir = tmp('mall-devdb-held-')
  const db = await superviseDevDb({ dataDir, fastUnsafe: true }, quiet)
  const port = Number(new URL(db.uri).port)
  try {
    const pid = db.pid()
    process.kill(pid, 'SIGKILL')
    let holder: net.Server | null = null
    for (let i = 0; i < 500 && !holder; i++) {
      const s = net.createServer((socket) => socket.destroy())
      holder = await new Promise<net.Server | null>((resolve) => {
        s.once('error', () => resolve(null))
        s.listen(port, '127.0.0.1', () => resolve(s))
      })
    }
    expect(holder).not.toBeNull() // taken before the supervisor's first attempt (0.1 s after the exit)
    await sleep(1_000)
    await new Promise((r) => holder!.close(r))
    expect(await backAfter(db, 1)).toBeLessThan(10_000)
    const history = events(db)
    expect(history[0]).toBe('exited')
    expect(history).toContain('attempt failed')
    expect(history[history.length - 1]).toBe('restarted')
  } finally {
    await db.stop()
  }
})
