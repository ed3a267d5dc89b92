/** A controllable clock for tests: real time shifted by an offset, or frozen at a set instant. */
export class TestClock {
  private offsetMs = 0
  private frozen: Date | null = null

  now = (): Date => (this.frozen ? new Date(this.frozen) : new Date(Date.now() + this.offsetMs))

  advance(ms: number): void {
    if (this.frozen) this.frozen = new Date(this.frozen.getTime() + ms)
    else this.offsetMs += ms
  }

  /** Freezes time at `at` (ISO string or Date). */
  set(at: string | Date): void {
    this.frozen = new Date(at)
  }

  /** Lets time run again from `at`. */
  runFrom(at: string | Date): void {
    this.frozen = null
    this.offsetMs = new Date(at).getTime() - Date.now()
  }
}
