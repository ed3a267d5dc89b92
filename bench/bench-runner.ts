import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import autocannon from 'autocannon'
import type { Connection } from 'mongoose'
import { loadConfig } from '@mall/config'
import { connectDatabase } from '../server/src/db/connect'
import { cpuMs } from './process-cpu'

export interface Row {
  size: number
  route: string
  kind: 'baseline' | 'read' | 'write'
  rps: number
  p50: number
  p99: number
  errors: number
  ratio: number
  /** the lowest and highest ratio of the route's rounds */
  ratioRange?: [number, number]
  /** CPU per request of the server process and of the embedded database (where a request's cost goes) */
  serverMs: number
  dbMs: number
  /**
   * database calls per request (a grouped insert is one), in all and by method and collection
   * (`findOne members`: 1.02)
   */
  calls: number
  callsBy: Record<string, number>
}

export type Req = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }

export interface BenchServerOptions {
  /** the JWT and member-code secret the bench signs its tokens with */
  secret: string
  /** extra node arguments for the server process (a CPU profile) */
  nodeArgs: string[]
  /** autocannon's concurrent connections */
  connections: number
}

export type RunResult = Awaited<ReturnType<BenchServer['run']>>

/**
 * The compiled server plus the baseline route (bench/bench-server.js) as its own process, on a database of its
 * own, and autocannon runs against it with the CPU and database calls each request cost.
 */
export class BenchServer {
  private server: ChildProcess | null = null
  private db: Connection | undefined
  private url = ''

  constructor(private readonly options: BenchServerOptions) {}

  /**
   * Each size gets its own database and server process: what a size measures does not depend on what
   * the runs at the smaller size wrote (how many coupons its claim run handed out, say) or cached.
   */
  async start(): Promise<Connection> {
    const dbName = `bench_${randomBytes(4).toString('hex')}`
    const config = loadConfig({ DB_NAME: dbName })
    const conn = await connectDatabase(config.db.uri!, dbName)
    this.db = conn
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port
        s.close(() => resolve(p))
      })
    })
    const server = spawn(process.execPath, [...this.options.nodeArgs, path.join(__dirname, 'bench-server.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        MONGODB_URI: config.db.uri!,
        DB_NAME: dbName,
        PORT: String(port),
        JWT_SECRET: this.options.secret,
        MEMBER_CODE_SECRET: this.options.secret,
        LOG_LEVEL: 'warn',
        WELCOME_POINTS: '0',
        RATE_LOGIN_PER_MINUTE: '10000000',
        RATE_SCAN_PER_MINUTE: '10000000',
        RATE_CLAIM_PER_MINUTE: '10000000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve())
      server.once('exit', (code) => reject(new Error(`bench server exited ${code}`)))
    })
    this.url = `http://127.0.0.1:${port}`
    return conn
  }

  async stop(): Promise<void> {
    const stopping = this.server
    this.server = null
    if (stopping && stopping.exitCode === null)
      await new Promise((resolve) => stopping.once('exit', resolve).kill('SIGTERM'))
    await this.db?.dropDatabase().catch(() => undefined)
    await this.db?.close()
    this.db = undefined
  }

  /** The bench server's count of database calls since the last call (and resets it). */
  private async callsSince(): Promise<Record<string, number>> {
    return (await fetch(`${this.url}/api/bench/calls`)).json() as Promise<Record<string, number>>
  }

  /** `firstRequest`: where in the member stride this run starts (see the routes' loop). */
  async run(route: string, requestFor: (i: number) => Req, duration: number, firstRequest = 0) {
    let i = firstRequest
    const pid = this.server!.pid!
    const dbPid = Number(process.env.DEVDB_PID) // unset when MONGODB_URI points elsewhere: no database column
    await this.callsSince()
    const cpu0 = { server: cpuMs(pid), db: dbPid ? cpuMs(dbPid) : 0 }
    const result = await autocannon({
      url: this.url,
      connections: this.options.connections,
      duration,
      requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...requestFor(i++) }) }],
    } as never)
    const served = Math.max(1, result.requests.total)
    const next = i
    const callsBy = Object.fromEntries(
      Object.entries(await this.callsSince()).map(([k, n]) => [k, Number((n / served).toFixed(2))]),
    )
    return {
      calls: Object.values(callsBy).reduce((a, b) => a + b, 0),
      callsBy,
      route,
      next,
      rps: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      serverMs: (cpuMs(pid) - cpu0.server) / served,
      dbMs: dbPid ? (cpuMs(dbPid) - cpu0.db) / served : 0,
    }
  }
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** Several runs of one route as one row: mean rates and costs, the slowest p50 and p99, all errors. */
export function combined(route: string, runs: RunResult[]) {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.callsBy)))]
  return {
    route,
    rps: Math.round(mean(runs.map((r) => r.rps))),
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    serverMs: mean(runs.map((r) => r.serverMs)),
    dbMs: mean(runs.map((r) => r.dbMs)),
    calls: mean(runs.map((r) => r.calls)),
    callsBy: Object.fromEntries(keys.map((k) => [k, Number(mean(runs.map((r) => r.callsBy[k] ?? 0)).toFixed(2))])),
  }
}

/** The rows as a markdown table and JSON in test-results/bench/, and the table on stdout. */
export function writeBenchReport(rows: Row[]): void {
  const dir = path.resolve(__dirname, '../test-results/bench')
  mkdirSync(dir, { recursive: true })
  const table = [
    '| members | route | kind | req/s | p50 ms | p99 ms | errors/non-2xx | × baseline | ' +
      'server CPU ms/req | database CPU ms/req | database calls/req |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.route} | ${r.kind} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${ratioCell(r)} | ` +
        `${r.serverMs.toFixed(2)} | ${r.dbMs.toFixed(2)} | ${r.calls.toFixed(2)} |`,
    ),
  ].join('\n')
  writeFileSync(path.join(dir, 'api-bench.md'), `${table}\n`)
  writeFileSync(path.join(dir, 'api-bench.json'), JSON.stringify(rows, null, 2))
  process.stdout.write(`\n${table}\n`)
}

function ratioCell(r: Row): string {
  const range =
    r.ratioRange && r.ratioRange[0] !== r.ratioRange[1] ? ` (${r.ratioRange.map((x) => x.toFixed(2)).join('–')})` : ''
  return `${r.ratio.toFixed(2)}${range}`
}
