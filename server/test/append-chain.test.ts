import { AppendChain, probeForward, type ChainHead, type ChainHints } from '../src/db/append-chain'
import type { AnyModel } from '../src/db/by-id'
import { DomainError } from '../src/errors/domain-error'

/**
 * The chain primitive (server/src/db/append-chain.ts) on an in-memory collection that refuses a taken
 * `_id` like the database does: where an append starts, what it reads, when the hint is written. The
 * races against the real embedded database are in test/api/append-chain.test.ts.
 */
interface Row {
  _id: string
  amount: number
  total: number
  tag: string
}

/** A collection of rows by `_id` that logs each call as `findOne <id>` / `insertOne <id>`. */
function memoryModel() {
  const rows = new Map<string, Record<string, unknown>>()
  const calls: string[] = []
  const collection = {
    async findOne(filter: { _id: string }) {
      calls.push(`findOne ${filter._id}`)
      const row = rows.get(filter._id)
      return row ? { ...row } : null
    },
    async insertOne(doc: Record<string, unknown>) {
      const id = String(doc._id)
      calls.push(`insertOne ${id}`)
      if (rows.has(id)) throw Object.assign(new Error(`E11000 duplicate key ${id}`), { code: 11000 })
      rows.set(id, { ...doc })
    },
    async insertMany() {
      throw new Error('grouped inserts: each goes again alone') // insert-batch.ts then sends them one by one
    },
  }
  return { model: { collection } as unknown as AnyModel, rows, calls }
}

/** A hint store in memory that records every head written to it. */
function memoryHints(spec: Partial<ChainHints<number>> = {}) {
  const stored = new Map<string, ChainHead<number>>()
  const writes: ChainHead<number>[] = []
  const hints: ChainHints<number> = {
    read: async (key) => stored.get(key) ?? null,
    write: async (key, head) => {
      writes.push(head)
      stored.set(key, head)
    },
    every: 4,
    awaited: true,
    ...spec,
  }
  return { hints, stored, writes }
}

const rowId = (key: string, n: number) => `${key}#${n}`
function totals(model: AnyModel, hints?: ChainHints<number>) {
  return new AppendChain<Row, number>({
    model,
    rowId,
    value: (r) => r.total,
    empty: 0,
    hints,
    cacheSize: 100,
  })
}
const add =
  (amount: number, tag = `+${amount}`) =>
  (head: ChainHead<number>) => ({
    amount,
    total: head.value + amount,
    tag,
  })

describe('append', () => {
  it('numbers rows 1, 2, 3… and keeps what the chain holds after each', async () => {
    const { model, rows } = memoryModel()
    const chain = totals(model)
    for (const amount of [5, 7, 11]) await chain.append('k', add(amount))
    expect([...rows.values()]).toEqual([
      { _id: 'k#1', amount: 5, total: 5, tag: '+5' },
      { _id: 'k#2', amount: 7, total: 12, tag: '+7' },
      { _id: 'k#3', amount: 11, total: 23, tag: '+11' },
    ])
    expect(chain.known('k')).toEqual({ n: 3, value: 23 })
  })

  it('starts from the head it saw last without a read: one insert per append', async () => {
    const { model, calls } = memoryModel()
    const chain = totals(model)
    await chain.append('k', add(1))
    calls.length = 0
    await chain.append('k', add(1))
    expect(calls).toEqual(['insertOne k#2'])
  })

  it('after a collision reads the row that won, probes on, and builds again on the real head', async () => {
    const { model, calls } = memoryModel()
    const here = totals(model)
    const elsewhere = totals(model)
    await here.append('k', add(1))
    await elsewhere.append('k', add(10)) // another process: `here` does not know row 2 and row 3
    await elsewhere.append('k', add(100))
    calls.length = 0
    const appended = await here.append('k', add(1000))
    expect(calls).toEqual(['insertOne k#2', 'findOne k#2', 'findOne k#3', 'findOne k#4', 'insertOne k#4'])
    expect(appended).toEqual({ row: { _id: 'k#4', amount: 1000, total: 1111, tag: '+1000' }, replayed: false })
  })

  it('a chain that only counts tries the next number without reading', async () => {
    const { model, calls } = memoryModel()
    const a = new AppendChain<{ _id: string; tag: string }>({ model, rowId, cacheSize: 10 })
    const b = new AppendChain<{ _id: string; tag: string }>({ model, rowId, cacheSize: 10 })
    await a.append('c', () => ({ tag: 'a1' }))
    await b.append('c', () => ({ tag: 'b1' }))
    calls.length = 0
    const appended = await a.append('c', () => ({ tag: 'a2' }))
    expect(calls).toEqual(['insertOne c#2', 'insertOne c#3'])
    expect(appended!.row).toEqual({ _id: 'c#3', tag: 'a2' })
  })

  it('appends nothing when the builder says so (a cap used up)', async () => {
    const { model, rows } = memoryModel()
    const chain = totals(model)
    expect(await chain.append('k', () => null)).toBeNull()
    expect(rows.size).toBe(0)
  })

  it('a refusal on a head from the cache is checked again on the verified head', async () => {
    const { model } = memoryModel()
    const here = totals(model)
    const elsewhere = totals(model)
    await here.append('k', add(5))
    await elsewhere.append('k', add(50)) // a credit `here` has not seen
    const spend = (amount: number) => (head: ChainHead<number>) => {
      if (head.value < amount) throw new DomainError('POINTS.INSUFFICIENT', 'not enough')
      return { amount: -amount, total: head.value - amount, tag: `-${amount}` }
    }
    const isRefusal = (err: unknown) => err instanceof DomainError
    expect((await here.append('k', spend(30), { isRefusal }))!.row.total).toBe(25)
    // On a verified head the refusal stands.
    await expect(here.append('k', spend(1000), { isRefusal })).rejects.toThrow('not enough')
    // Without `isRefusal` an error from the builder is not retried.
    const stale = totals(model)
    await expect(stale.append('k', spend(1), { from: { n: 0, value: 0 } })).rejects.toThrow('not enough')
  })

  it('a duplicate the caller recognises ends the append as a replay', async () => {
    const { model } = memoryModel()
    const chain = totals(model)
    await chain.append('k', add(5, 'event-1'))
    const replayOf = async (taken: Row | null) => (taken?.tag === 'event-1' ? taken : null)
    const again = await chain.append('k', add(5, 'event-1'), { from: { n: 0, value: 0 }, onDuplicate: replayOf })
    expect(again).toEqual({ row: { _id: 'k#1', amount: 5, total: 5, tag: 'event-1' }, replayed: true })
  })

  it('sends the caller’s own follow-up write alongside the hint write', async () => {
    const { model } = memoryModel()
    const { hints, writes } = memoryHints({ every: 1 })
    const order: string[] = []
    const chain = totals(model, {
      ...hints,
      write: async (key, head) => {
        order.push('hint')
        await hints.write!(key, head)
      },
    })
    await chain.append('k', add(1), { after: async () => void order.push('after') })
    expect(order).toEqual(['after', 'hint'])
    expect(writes).toEqual([{ n: 1, value: 1 }])
  })
})

describe('start and hints', () => {
  it('starts from the newer of its own head and one the caller holds, else the stored hint', async () => {
    const { model } = memoryModel()
    const { hints, stored } = memoryHints()
    const chain = totals(model, hints)
    stored.set('k', { n: 2, value: 20 })
    expect(await chain.start('k')).toEqual({ n: 2, value: 20 })
    expect(await chain.start('k', { n: 3, value: 30 })).toEqual({ n: 3, value: 30 })
    expect(await chain.start('k', null)).toEqual({ n: 0, value: 0 }) // the caller read the hint: none
    chain.remember('k', { n: 5, value: 50 })
    expect(await chain.start('k', { n: 3, value: 30 })).toEqual({ n: 5, value: 50 })
    chain.remember('k', { n: 4, value: 40 }) // an older head never replaces a newer one
    expect(chain.known('k')).toEqual({ n: 5, value: 50 })
  })

  it('writes the hint with every `every`-th row (at `phase`), from rows that exist only', async () => {
    const { model, rows } = memoryModel()
    const { hints, writes } = memoryHints({ every: 4, phase: 1 })
    const chain = totals(model, hints)
    for (let i = 0; i < 9; i++) await chain.append('k', add(1))
    expect(writes.map((h) => h.n)).toEqual([1, 5, 9])
    for (const h of writes) expect(rows.get(`k#${h.n}`)!.total).toBe(h.value)
  })

  it('a hint that lags is probed past; a reader that walked `every` rows stores what it found', async () => {
    const { model, calls } = memoryModel()
    const { hints, stored, writes } = memoryHints({ every: 4, phase: 0 })
    const writer = totals(model, hints)
    for (let i = 0; i < 6; i++) await writer.append('k', add(1))
    stored.set('k', { n: 1, value: 1 }) // the hint lost the writes after the first row
    writes.length = 0
    calls.length = 0
    const reader = totals(model, hints)
    expect(await reader.head('k')).toEqual({ n: 6, value: 6 })
    expect(calls).toEqual(['findOne k#2', 'findOne k#3', 'findOne k#4', 'findOne k#5', 'findOne k#6', 'findOne k#7'])
    expect(writes).toEqual([{ n: 6, value: 6 }])
  })

  it('a hint write that fails after the insert loses nothing: the next process probes past it', async () => {
    const { model, rows } = memoryModel()
    const { hints, stored } = memoryHints({ every: 1, awaited: false })
    const crashing = totals(model, { ...hints, write: () => Promise.reject(new Error('process died')) })
    for (let i = 0; i < 3; i++) await crashing.append('k', add(1)) // not awaited: the appends succeed
    expect(stored.get('k')).toBeUndefined()
    const next = totals(model, hints)
    await next.append('k', add(1))
    expect([...rows.keys()]).toEqual(['k#1', 'k#2', 'k#3', 'k#4'])
    expect(rows.get('k#4')!.total).toBe(4)
  })

  it('an awaited hint write that fails fails the append, its row in (the caller retries: a replay)', async () => {
    const { model, rows } = memoryModel()
    const { hints } = memoryHints({ every: 1, awaited: true })
    const chain = totals(model, { ...hints, write: () => Promise.reject(new Error('hint write failed')) })
    await expect(chain.append('k', add(1))).rejects.toThrow('hint write failed')
    expect(rows.has('k#1')).toBe(true)
  })

  it('keeps heads of a bounded number of chains', async () => {
    const { model } = memoryModel()
    const chain = new AppendChain<Row, number>({ model, rowId, value: (r) => r.total, empty: 0, cacheSize: 2 })
    for (const key of ['a', 'b', 'c']) await chain.append(key, add(1))
    expect([chain.known('a'), chain.known('b'), chain.known('c')]).toEqual([
      undefined,
      { n: 1, value: 1 },
      { n: 1, value: 1 },
    ])
    const uncached = new AppendChain<Row, number>({ model, rowId, value: (r) => r.total, empty: 0 })
    await uncached.append('d', add(1))
    expect(uncached.known('d')).toBeUndefined()
  })
})

describe('reads', () => {
  it('rows: the first `known` at once, a missing one skipped, the rest probed', async () => {
    const { model, rows, calls } = memoryModel()
    const chain = totals(model)
    for (let i = 0; i < 4; i++) await chain.append('k', add(1))
    rows.delete('k#2') // e.g. a hint raised before its row was written
    calls.length = 0
    expect((await chain.rows('k', 2)).map((r) => r._id)).toEqual(['k#1', 'k#3', 'k#4'])
    expect(calls).toEqual(['findOne k#1', 'findOne k#2', 'findOne k#3', 'findOne k#4', 'findOne k#5'])
  })

  it('insertAt takes one number or reports it taken', async () => {
    const { model } = memoryModel()
    const chain = totals(model)
    expect(await chain.insertAt('k', 1, { amount: 1, total: 1, tag: 'first' })).toMatchObject({ _id: 'k#1' })
    expect(await chain.insertAt('k', 1, { amount: 2, total: 2, tag: 'second' })).toBeNull()
    expect(await chain.row('k', 1)).toMatchObject({ tag: 'first' })
  })

  it('probeForward stops at the first missing number and at the bound', async () => {
    const taken = new Set([1, 2, 3, 5])
    const exists = async (n: number) => taken.has(n)
    expect(await probeForward(0, exists)).toBe(3)
    expect(await probeForward(3, exists)).toBe(3)
    expect(await probeForward(0, exists, 2)).toBe(2)
    expect(await probeForward(9, exists, 4)).toBe(4) // a start past the bound counts as the bound
  })
})
