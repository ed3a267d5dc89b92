import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'

const MAIN = path.resolve(__dirname, '../../server/dist/main.js')
const RECENT_LOG_LINES = 300

/** A loopback port nobody listens on now, for a server process of a chaos run. */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })

/** The compiled server as a real process a chaos test can SIGKILL and start again. */
export class ServerProcess {
  private child: ChildProcess | null = null
  kills = 0
  starts = 0
  /** the server's latest log lines (its stdout), kept to tell why a run failed */
  readonly recentLog: string[] = []

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  /** how the server process ended (null while it runs) */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let partial = ''
    this.child.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n')
      partial = lines.pop() ?? ''
      this.recentLog.push(...lines)
      this.recentLog.splice(0, Math.max(0, this.recentLog.length - RECENT_LOG_LINES))
    })
    this.starts++
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        if ((await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(1_000) })).ok) return
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error('server did not come up')
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** SIGKILL: no shutdown hooks, in-flight requests cut wherever they are. */
  async kill(): Promise<void> {
    if (await this.signal('SIGKILL')) this.kills++
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM')
  }

  /** SIGTERM, as a process manager stops it: resolves with its exit code and how long it took to exit. */
  async terminate(): Promise<{ code: number | null; ms: number }> {
    const child = this.child
    if (!child || child.exitCode !== null) throw new Error('server not running')
    const started = Date.now()
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode))
      child.kill('SIGTERM')
    })
    return { code, ms: Date.now() - started }
  }

  /** Sends the signal and waits for the exit; false if the server was not running. */
  private async signal(sig: NodeJS.Signals): Promise<boolean> {
    const child = this.child
    if (!child || child.exitCode !== null) return false
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill(sig)
    })
    return true
  }
}
