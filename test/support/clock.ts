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

  /**
   * Lets time run from a second past the start of the current hour (Shanghai's hours start with
   * UTC's), so a test counting within one hour — the tills' hourly caps — cannot see the hour change.
   */
  runFromStartOfHour(): void {
    const at = new Date()
    at.setUTCMinutes(0, 1, 0)
    this.runFrom(at)
  }

  /** Back to real time. */
  reset(): void {
    this.frozen = null
    this.offsetMs = 0
  }

  /** Lets time run again from `at`. */
  runFrom(at: string | Date): void {
    this.frozen = null
    this.offsetMs = new Date(at).getTime() - Date.now()
  }
}
