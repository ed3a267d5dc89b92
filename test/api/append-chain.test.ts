import { Schema, type Connection, type Model } from 'mongoose'
import { AppendChain, type ChainHead, type ChainHints } from '../../server/src/db/append-chain'
import { findById, updateById } from '../../server/src/db/by-id'
import { getModel } from '../../server/src/db/connect'
import { DomainError } from '../../server/src/errors/domain-error'
import { ownDatabase } from '../support/own-database'

/**
 * The chain primitive (server/src/db/append-chain.ts) racing itself on the embedded database: rounds of
 * concurrent appends from several "processes" (one AppendChain each, with its own cache) to one chain.
 * After each round the rows are numbered 1…N without a gap, every append is in exactly once, and each
 * row's running total follows from the one before; stored hints lag at worst, never lead.
 */
interface RaceRow {
  _id: string
  key: string
  amount: number
  total: number
  tag: string
}
interface HintDoc {
  _id: string
  n: number
  value: number
}

// Rounds of concurrent appends on a shared 2-core machine can take longer than jest's 5 s.
jest.setTimeout(60_000)

let conn: Connection
let Row: Model<RaceRow>
let Hint: Model<HintDoc>
const database = ownDatabase()
beforeAll(() => {
  conn = database()
  Row = getModel(
    conn,
    'ChainRaceRow',
    new Schema<RaceRow>(
      { _id: String, key: String, amount: Number, total: Number, tag: { type: String, unique: true } },
      { versionKey: false, collection: 'chain_race_rows' },
    ),
  )
  Hint = getModel(
    conn,
    'ChainRaceHint',
    new Schema<HintDoc>(
      { _id: String, n: Number, value: Number },
      { versionKey: false, collection: 'chain_race_hints' },
    ),
  )
})

const ROUNDS = 4
const PER_ROUND = 24
const rowId = (key: string, n: number) => `${key}#${n}`

/** Each hint write checks its row exists and holds what the head says: a hint ahead of the chain fails the test. */
const leads: string[] = []
async function checkedWrite(key: string, head: ChainHead<number>): Promise<void> {
  const row = await findById<RaceRow>(Row, rowId(key, head.n))
  if (!row || row.total !== head.value) leads.push(`${key}: hint ${head.n}/${head.value}, row ${row?.total}`)
  // An unconditional `$set`, like the member row's wallet hint: two writes may land out of order (a lag).
  await updateById(Hint, key, { $set: { n: head.n, value: head.value } }, { upsert: true })
}
const storedHints = (every: number, overrides: Partial<ChainHints<number>> = {}): ChainHints<number> => ({
  read: async (key) => {
    const h = await findById<HintDoc>(Hint, key)
    return h ? { n: h.n, value: h.value } : null
  },
  write: checkedWrite,
  every,
  awaited: true,
  ...overrides,
})

/** One process's view of the running-total chains. */
const newProcess = (hints: ChainHints<number> = storedHints(4)) =>
  new AppendChain<RaceRow, number>({
    model: Row,
    rowId,
    value: (r) => r.total,
    empty: 0,
    hints,
    cacheSize: 1_000,
  })
const add = (key: string, amount: number, tag: string) => (head: ChainHead<number>) => ({
  key,
  amount,
  total: head.value + amount,
  tag,
})
/** The row of `tag` if it was appended before (the `tag` index is unique): what a retry answers with. */
const replayOf = (tag: string) => async (taken: RaceRow | null) =>
  taken?.tag === tag ? taken : taken ? null : Row.findOne({ tag }).lean<RaceRow>().exec()

/** The chain's rows, checked: numbered 1…N, each total the one before plus its amount. Returns them. */
async function checkedRows(key: string): Promise<RaceRow[]> {
  const rows = await Row.find({ key }).lean<RaceRow[]>().exec()
  const byN = rows.map((r) => ({ n: Number(r._id.slice(key.length + 1)), r })).sort((a, b) => a.n - b.n)
  expect(byN.map((x) => x.n)).toEqual(byN.map((_, i) => i + 1))
  let total = 0
  for (const { r } of byN) {
    total += r.amount
    expect(r.total).toBe(total)
  }
  return byN.map((x) => x.r)
}

it(`rounds of ${PER_ROUND} concurrent appends, three processes: no number lost or doubled, exact totals`, async () => {
  const processes = [newProcess(), newProcess(), newProcess()]
  for (let round = 1; round <= ROUNDS; round++) {
    const tags = Array.from({ length: PER_ROUND }, (_, i) => `r${round}-${i}`)
    const appended = await Promise.all(
      tags.map((tag, i) => processes[i % 3]!.append('race', add('race', 1 + (i % 5), tag))),
    )
    expect(appended.every((a) => a && !a.replayed)).toBe(true)
    const rows = await checkedRows('race')
    expect(rows).toHaveLength(round * PER_ROUND)
    expect(new Set(rows.map((r) => r.tag)).size).toBe(rows.length)
    for (const tag of tags) expect(rows.filter((r) => r.tag === tag)).toHaveLength(1)
  }
  expect(leads).toEqual([])
  const hint = (await findById<HintDoc>(Hint, 'race'))!
  expect(hint.n).toBeLessThanOrEqual(ROUNDS * PER_ROUND)
})

it('processes starting from hints that lag (or none) join the race and still append on the real head', async () => {
  // Rows 1…10 exist; the stored hint says 2, and one process has no hint store at all.
  const seeding = newProcess()
  for (let i = 0; i < 10; i++) await seeding.append('lag', add('lag', 1, `seed-${i}`))
  await updateById(Hint, 'lag', { $set: { n: 2, value: 2 } }, { upsert: true })
  const lagging = [newProcess(), newProcess(), newProcess({ read: async () => null })]
  for (let round = 1; round <= ROUNDS; round++) {
    const tags = Array.from({ length: PER_ROUND }, (_, i) => `lag-r${round}-${i}`)
    await Promise.all(tags.map((tag, i) => lagging[i % 3]!.append('lag', add('lag', 2, tag))))
    const rows = await checkedRows('lag')
    expect(rows).toHaveLength(10 + round * PER_ROUND)
    for (const tag of tags) expect(rows.filter((r) => r.tag === tag)).toHaveLength(1)
  }
  expect(leads).toEqual([])
})

it('a crash between the insert and the hint write: the retry finds its row (a replay), nothing doubled', async () => {
  // The hint is due with every row; this process's hint write fails after each of its inserts.
  const crashing = newProcess(storedHints(1, { write: () => Promise.reject(new Error('process died')) }))
  const healthy = [newProcess(storedHints(1)), newProcess(storedHints(1))]
  // Alone, the crashing process always dies after its insert (an empty chain has no reader's hint to write);
  // in the rounds below it may die on either side, as the race falls.
  const solo = await crashing
    .append('crash-solo', add('crash-solo', 1, 'solo'), { onDuplicate: replayOf('solo') })
    .then(
      () => 'answered',
      () => 'died',
    )
  expect(solo).toBe('died')
  const soloRetry = await healthy[0]!.append('crash-solo', add('crash-solo', 1, 'solo'), {
    from: { n: 0, value: 0 },
    onDuplicate: replayOf('solo'),
  })
  expect([soloRetry?.replayed, (await checkedRows('crash-solo')).length]).toEqual([true, 1])
  for (let round = 1; round <= ROUNDS; round++) {
    const tags = Array.from({ length: PER_ROUND }, (_, i) => `crash-r${round}-${i}`)
    const outcomes = await Promise.allSettled(
      tags.map((tag, i) =>
        (i % 3 === 0 ? crashing : healthy[i % 2]!).append('crash', add('crash', 1, tag), {
          onDuplicate: replayOf(tag),
        }),
      ),
    )
    const died = tags.filter((_, i) => outcomes[i]!.status === 'rejected')
    expect(died.length).toBeGreaterThan(0)
    // A process that died after its insert left its row; one that died before (its reader's hint write) did not.
    const inBefore = await Promise.all(died.map(async (tag) => (await Row.findOne({ tag }).lean().exec()) !== null))
    // Each caller whose process died retries in another process, from a stale start: the row once, never twice.
    const retried = await Promise.all(
      died.map((tag) =>
        healthy[0]!.append('crash', add('crash', 1, tag), { from: { n: 0, value: 0 }, onDuplicate: replayOf(tag) }),
      ),
    )
    expect(retried.map((r) => r!.replayed)).toEqual(inBefore)
    expect(retried.map((r) => r!.row.tag)).toEqual(died)
    const rows = await checkedRows('crash')
    expect(rows).toHaveLength(round * PER_ROUND)
    for (const tag of tags) expect(rows.filter((r) => r.tag === tag)).toHaveLength(1)
  }
  expect(leads).toEqual([])
})

it('concurrent spends and credits never overdraw: a refusal only stands on a verified head', async () => {
  const processes = [newProcess(), newProcess(), newProcess()]
  const isRefusal = (err: unknown) => err instanceof DomainError
  const spend = (tag: string) => (head: ChainHead<number>) => {
    if (head.value < 7) throw new DomainError('POINTS.INSUFFICIENT', 'not enough')
    return { key: 'spend', amount: -7, total: head.value - 7, tag }
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: PER_ROUND }, (_, i) => {
        const tag = `spend-r${round}-${i}`
        const chain = processes[i % 3]!
        return i % 2 === 0
          ? chain.append('spend', add('spend', 5, tag))
          : chain.append('spend', spend(tag), { isRefusal })
      }),
    )
    for (const o of outcomes)
      if (o.status === 'rejected') expect((o.reason as DomainError).code).toBe('POINTS.INSUFFICIENT')
    const rows = await checkedRows('spend')
    expect(rows.every((r) => r.total >= 0)).toBe(true)
    expect(rows.filter((r) => r.tag.startsWith(`spend-r${round}-`))).toHaveLength(
      outcomes.filter((o) => o.status === 'fulfilled').length,
    )
  }
})

it(`a chain that only counts: rounds of ${PER_ROUND} appends, three processes, take 1…N once each`, async () => {
  interface CountRow {
    _id: string
    key: string
    amount: number
    total: number
    tag: string
  }
  const counting = () => new AppendChain<CountRow>({ model: Row, rowId, cacheSize: 1_000 })
  const processes = [counting(), counting(), counting()]
  for (let round = 1; round <= ROUNDS; round++) {
    const tags = Array.from({ length: PER_ROUND }, (_, i) => `count-r${round}-${i}`)
    const appended = await Promise.all(
      tags.map((tag, i) => processes[i % 3]!.append('count', () => ({ key: 'count', amount: 0, total: 0, tag }))),
    )
    const ids = appended.map((a) => a!.row._id)
    expect(new Set(ids).size).toBe(PER_ROUND)
    const rows = await Row.find({ key: 'count' }).lean<RaceRow[]>().exec()
    const numbers = rows.map((r) => Number(r._id.slice('count#'.length))).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: round * PER_ROUND }, (_, i) => i + 1))
    for (const tag of tags) expect(rows.filter((r) => r.tag === tag)).toHaveLength(1)
  }
})
