import { createdIn, JoinedRead } from '../src/modules/ops/joined-read'
import { dayRows, liabilityChange, type DayFact } from '../src/modules/ops/ledger-day-rows'

/** A read whose answer the test hands out, counting how many reads were started. */
function controlledRead() {
  let started = 0
  const pending: ((rows: number[]) => void)[] = []
  const read = new JoinedRead<number[]>(() => {
    started++
    return new Promise((resolve) => pending.push(resolve))
  })
  return { read, started: () => started, answer: (rows: number[]) => pending.shift()!(rows) }
}

describe('JoinedRead', () => {
  it('lets callers asking while a read is under way share it', async () => {
    const r = controlledRead()
    const first = r.read.read()
    const second = r.read.read()
    expect(r.started()).toBe(1)
    r.answer([1, 2])
    expect(await first).toEqual([1, 2])
    expect(await second).toBe(await first)
  })

  it('starts a fresh read once the last one has finished, so a later write is seen', async () => {
    const r = controlledRead()
    const first = r.read.read()
    r.answer([1])
    await first
    const later = r.read.read()
    expect(r.started()).toBe(2)
    r.answer([1, 2])
    expect(await later).toEqual([1, 2])
  })

  it('starts a fresh read after a failed one', async () => {
    let calls = 0
    const read = new JoinedRead<string>(() =>
      ++calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve('ok'),
    )
    await expect(read.read()).rejects.toThrow('down')
    await expect(read.read()).resolves.toBe('ok')
  })
})

describe('the dashboard ledger figures', () => {
  const fact = (memberId: string, seq: number, delta: number, balance: number): DayFact => ({
    memberId,
    seq,
    type: 'earn',
    delta,
    balance,
    tierBefore: null,
    tierAfter: null,
  })

  it('moves the liability from each member balance before their first entry to after their last, in any order', () => {
    // a: 10 → 60 over two entries; b: 20 → -5 (a negative balance counts as 0); c: -10 → 5
    const facts = [fact('a', 3, 40, 60), fact('b', 1, -25, -5), fact('a', 2, 10, 20), fact('c', 7, 15, 5)]
    expect(liabilityChange(facts)).toBe(60 - 10 + (0 - 20) + (5 - 0))
  })

  it('chains the days: each row ends where the day before ended plus its change, empty days included', () => {
    const byDay = new Map([
      ['2026-01-01', [fact('a', 1, 100, 100)]],
      ['2026-01-03', [fact('a', 2, -30, 70), fact('b', 1, 5, 5)]],
    ])
    const rows = dayRows(['2026-01-01', '2026-01-02', '2026-01-03'], byDay, 7, new Date(0))
    expect(rows.map((r) => [r._id, r.liabilityChange, r.liabilityAfter, r.entries.memberId.length])).toEqual([
      ['kpi-day:2026-01-01', 100, 107, 1],
      ['kpi-day:2026-01-02', 0, 107, 0],
      ['kpi-day:2026-01-03', -25, 82, 2],
    ])
    expect(rows[2]!.entries).toEqual({
      memberId: ['a', 'b'],
      type: ['earn', 'earn'],
      delta: [-30, 5],
      tierBefore: [null, null],
      tierAfter: [null, null],
    })
  })

  it('keeps the rows created in [from, to)', () => {
    const rows = [
      { seq: 1, createdAt: new Date('2026-01-01T00:00:00Z') },
      { seq: 2, createdAt: new Date('2026-01-02T00:00:00Z') },
    ]
    const range = { $gte: new Date('2026-01-01T00:00:00Z'), $lt: new Date('2026-01-02T00:00:00Z') }
    expect(createdIn(rows, range).map((r) => r.seq)).toEqual([1])
  })
})
