import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * setData is the mini-program's one channel from logic to view: every call crosses threads and its
 * payload is serialised, so calls and bytes per render are the cost the lane watches. A window is
 * opened per page render or per action and closed when the page has settled.
 */
export interface Measurement {
  label: string
  calls: number
  bytes: number
  largestCall: number
}

export const METRICS_DIR = path.resolve(__dirname, '../../../test-results/weapp')
const PARTS_DIR = path.join(METRICS_DIR, 'parts')

export class SetDataMeter {
  readonly results: Measurement[] = []
  /** Date.now() of the last setData call, for "settled" checks */
  lastCallAt = 0
  private current: Measurement | null = null

  /** A window still open is dropped: the page it measured was left before it settled. */
  begin(label: string): void {
    this.current = { label, calls: 0, bytes: 0, largestCall: 0 }
  }

  record(data: Record<string, unknown>): void {
    this.lastCallAt = Date.now()
    if (!this.current) return
    const bytes = Buffer.byteLength(JSON.stringify(data))
    this.current.calls++
    this.current.bytes += bytes
    this.current.largestCall = Math.max(this.current.largestCall, bytes)
  }

  /** A page always renders at least once: its first-render window is not done before that. */
  awaitingFirstRender(): boolean {
    return this.current !== null && this.current.label.startsWith('first render') && this.current.calls === 0
  }

  /** Closes the open window (if any) and returns it. */
  finish(): Measurement | null {
    const done = this.current
    this.current = null
    if (done) this.results.push(done)
    return done
  }

  /** One file per test file; the lane's global teardown merges them. */
  save(testFile: string): void {
    mkdirSync(PARTS_DIR, { recursive: true })
    writeFileSync(path.join(PARTS_DIR, `${path.basename(testFile)}.json`), JSON.stringify(this.results, null, 2))
  }
}

/** Merges the test files' measurements into metrics.json and returns a printable table. */
export function mergeMetrics(): string | null {
  let parts: string[]
  try {
    parts = readdirSync(PARTS_DIR).filter((f) => f.endsWith('.json'))
  } catch {
    return null
  }
  const byLabel = new Map<string, Measurement[]>()
  for (const part of parts) {
    for (const m of JSON.parse(readFileSync(path.join(PARTS_DIR, part), 'utf8')) as Measurement[]) {
      byLabel.set(m.label, [...(byLabel.get(m.label) ?? []), m])
    }
  }
  const rows = [...byLabel.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, samples]) => {
      const calls = samples.map((s) => s.calls).sort((a, b) => a - b)
      const bytes = samples.map((s) => s.bytes).sort((a, b) => a - b)
      const largest = Math.max(...samples.map((s) => s.largestCall))
      return { label, samples: samples.length, calls: span(calls), bytes: span(bytes), largestCall: largest }
    })
  const report = { measuredAt: new Date().toISOString(), setData: rows }
  writeFileSync(path.join(METRICS_DIR, 'metrics.json'), JSON.stringify(report, null, 2))
  rmSync(PARTS_DIR, { recursive: true, force: true })
  const width = Math.max(...rows.map((r) => r.label.length))
  const lines = rows.map(
    (r) => `  ${r.label.padEnd(width)}  ${r.calls.padStart(7)} calls  ${r.bytes.padStart(13)} bytes  (n=${r.samples})`,
  )
  return [`weapp setData per render (${path.relative(process.cwd(), METRICS_DIR)}/metrics.json):`, ...lines].join('\n')
}

function span(sorted: number[]): string {
  const lo = sorted[0]
  const hi = sorted[sorted.length - 1]
  return lo === hi ? String(lo) : `${lo}–${hi}`
}
