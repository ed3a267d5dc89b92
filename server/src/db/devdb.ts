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
}

/** Starts the embedded database on a free loopback port and resolves once it answers. */
export async function startDevDb(opts: StartDevDbOptions): Promise<DevDb> {
  const binary = await ensureDevDbBinary(opts.log)
  mkdirSync(opts.dataDir, { recursive: true })
  const args = ['-listen', `127.0.0.1:${opts.port ?? 0}`, '-data-dir', opts.dataDir, '-log-level', 'error']
  if (opts.fastUnsafe) args.push('-sqlite-params', '_pragma=synchronous(off)')
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const uri = await firstLine(child, () => stderr)
  await waitUntilAnswering(uri)
  return { uri, pid: child.pid!, exited, stop: () => stopChild(child) }
}

function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = ''
    const onData = (d: Buffer) => {
      buf += d.toString()
      const nl = buf.indexOf('\n')
      if (nl >= 0) {
        child.stdout!.off('data', onData)
        resolve(buf.slice(0, nl).trim())
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`embedded database exited with ${code}: ${stderr()}`)))
    child.once('error', reject)
  })
}

/** The listener is bound when the URI is printed; still, confirm a TCP connect succeeds. */
async function waitUntilAnswering(uri: string, timeoutMs = 15000): Promise<void> {
  const { hostname, port } = new URL(uri)
  const deadline = Date.now() + timeoutMs
  for (;;) {
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
