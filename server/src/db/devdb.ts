import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import net from 'node:net'

const execFileAsync = promisify(execFile)

/** Source of the embedded FerretDB program (server/devdb); the binary is cached by its hash. */
export const DEVDB_SOURCE_DIR = path.resolve(__dirname, '../../devdb')
const REPO_ROOT = path.resolve(DEVDB_SOURCE_DIR, '../..')
const BIN_DIR = path.join(REPO_ROOT, '.devdb', 'bin')

export interface DevDb {
  uri: string
  /** the database process (benchmarks read its CPU time) */
  pid: number
  /** resolves when the process exits, however it ends (the supervisor restarts it) */
  exited: Promise<number | null>
  stop(): Promise<void>
}

/**
 * Builds the embedded database once per source version. Several processes (jest workers, the
 * demo) may race here: each builds to a temp name and renames, so the cache is never half-written.
 */
export async function ensureDevDbBinary(log: (msg: string) => void = () => {}): Promise<string> {
  const hash = createHash('sha256')
  const sources = (readdirSync(DEVDB_SOURCE_DIR, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.go'))
    .sort()
  for (const file of ['go.mod', 'go.sum', ...sources]) hash.update(readFileSync(path.join(DEVDB_SOURCE_DIR, file)))
  const binary = path.join(BIN_DIR, `devdb-${hash.digest('hex').slice(0, 12)}`)
  if (existsSync(binary)) return binary
  mkdirSync(BIN_DIR, { recursive: true })
  const tmp = `${binary}.tmp-${process.pid}`
  log('building the embedded database (FerretDB) — first run only, about a minute…')
  await execFileAsync('go', ['build', '-trimpath', '-o', tmp, '.'], {
    cwd: DEVDB_SOURCE_DIR,
    env: { ...process.env, CGO_ENABLED: '0' },
    maxBuffer: 16 * 1024 * 1024,
  })
  renameSync(tmp, binary)
  return binary
}

export interface StartDevDbOptions {
  dataDir: string
  /** SQLite durability: `synchronous(off)` is fine for throwaway test data, never for the demo. */
  fastUnsafe?: boolean
  /** loopback port (0: any free one); a restart reuses its port so connections find it again */
  port?: number
  log?: (msg: string) => void
  /** the built program to run (a restart runs the one it started with instead of building again) */
  binary?: string
  /** how long the process gets to print its URI and accept a connection before it is killed */
  startupTimeoutMs?: number
}

const STARTUP_TIMEOUT_MS = 15_000

/**
 * Starts the embedded database on a free loopback port and resolves once it answers. A process that does
 * not print its URI and accept a connection in time is killed before this rejects: left running it would
 * hold the port and the data directory against the next attempt.
 */
export async function startDevDb(opts: StartDevDbOptions): Promise<DevDb> {
  const binary = opts.binary ?? (await ensureDevDbBinary(opts.log))
  mkdirSync(opts.dataDir, { recursive: true })
  const args = ['-listen', `127.0.0.1:${opts.port ?? 0}`, '-data-dir', opts.dataDir, '-log-level', 'error']
  if (opts.fastUnsafe) args.push('-sqlite-params', '_pragma=synchronous(off)')
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const deadline = Date.now() + (opts.startupTimeoutMs ?? STARTUP_TIMEOUT_MS)
  try {
    const uri = await firstLine(child, () => stderr, deadline)
    await waitUntilAnswering(uri, child, deadline)
    return { uri, pid: child.pid!, exited, stop: () => stopChild(child) }
  } catch (err) {
    if (child.pid === undefined) throw err // never started: no exit to wait for
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
    throw err
  }
}

function firstLine(child: ChildProcess, stderr: () => string, deadline: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(
      () => reject(new Error(`embedded database printed no URI in time: ${stderr()}`)),
      Math.max(0, deadline - Date.now()),
    )
    const onData = (d: Buffer) => {
      buf += d.toString()
      const nl = buf.indexOf('\n')
      if (nl >= 0) {
        child.stdout!.off('data', onData)
        clearTimeout(timer)
        resolve(buf.slice(0, nl).trim())
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`embedded database exited with ${code ?? signal}: ${stderr()}`))
    })
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

/**
 * The listener is bound when the URI is printed; still, confirm a TCP connect succeeds. A process that
 * exits meanwhile (killed again during its restart) ends the wait at once instead of at the deadline.
 */
async function waitUntilAnswering(uri: string, child: ChildProcess, deadline: number): Promise<void> {
  const { hostname, port } = new URL(uri)
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`embedded database at ${uri} exited with ${child.exitCode ?? child.signalCode}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.end()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`embedded database at ${uri} did not answer`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  // Ended by a signal (SIGKILLed, its restart pending) it has no exit code, and no exit event will come.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(killer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
