/**
 * Serialises async work per key inside one process (other processes are not covered). For the
 * ledger only a throughput aid: it keeps concurrent postings for one member from colliding on the
 * same seq over and over, while the unique keys in the database guarantee correctness. MemberRepo
 * queues the writes of one member row with it (FerretDB rewrites whole rows, see there).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>()

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.then(fn, fn)
    const tail = result.catch(() => undefined)
    this.tails.set(key, tail)
    try {
      return await result
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
