import { createdIn, JoinedRead, outstandingPoints, type LedgerKpiRow } from '../src/modules/ops/ledger-kpi-rows'

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
  const row = (memberId: string, seq: number, balance: number, at: string): LedgerKpiRow => ({
    memberId,
    seq,
    type: 'earn',
    delta: 0,
    createdAt: new Date(at),
    state: { balance },
  })

  it('sums each member newest balance whatever the order, a negative one as 0', () => {
    const rows = [row('a', 2, 50, '2026-01-02'), row('a', 1, 10, '2026-01-01'), row('b', 1, -5, '2026-01-01')]
    expect(outstandingPoints(rows)).toBe(50)
  })

  it('keeps the rows created in [from, to)', () => {
    const rows = [row('a', 1, 0, '2026-01-01T00:00:00Z'), row('a', 2, 0, '2026-01-02T00:00:00Z')]
    const range = { $gte: new Date('2026-01-01T00:00:00Z'), $lt: new Date('2026-01-02T00:00:00Z') }
    expect(createdIn(rows, range).map((r) => r.seq)).toEqual([1])
  })
})
