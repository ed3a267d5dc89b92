/**
 * A run that callers asking while it is under way join instead of starting their own (the first caller's
 * `start` runs; the others get its answer). Behind JoinedRead and the day-row closers.
 */
export class JoinedRun<T> {
  private inFlight: Promise<T> | null = null

  run(start: () => Promise<T>): Promise<T> {
    if (this.inFlight) return this.inFlight
    const running = start().finally(() => {
      if (this.inFlight === running) this.inFlight = null
    })
    this.inFlight = running
    return running
  }
}

/**
 * A read that callers asking while it is under way join instead of starting their own. The dashboard
 * asks for its period and the period before at once; on FerretDB v1 every find filtered on anything but
 * `_id` scans the whole collection, so two reports would scan each collection twice.
 */
export class JoinedRead<T> {
  private readonly joined = new JoinedRun<T>()

  constructor(private readonly start: () => Promise<T>) {}

  read(): Promise<T> {
    return this.joined.run(this.start)
  }
}

/** Rows created in `[range.$gte, range.$lt)`. */
export function createdIn<T extends { createdAt: Date }>(rows: T[], range: { $gte: Date; $lt: Date }): T[] {
  const from = range.$gte.getTime()
  const to = range.$lt.getTime()
  return rows.filter((r) => {
    const at = new Date(r.createdAt).getTime()
    return at >= from && at < to
  })
}
