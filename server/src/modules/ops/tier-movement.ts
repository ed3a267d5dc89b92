import { trusted, type Connection } from 'mongoose'
import { tierByLevel, type KpiReport, type TierDefinition } from '@mall/shared'
import { tierEvaluationModel } from '../../jobs/points-jobs'
import type { KpiLedgerEntry } from './ledger-day-rows'

type Range = { $gte: Date; $lt: Date }
type Table = KpiReport['tables'][number]

/**
 * Tier movement in a date range: immediate upgrades (a purchase entry whose tier after is above
 * the tier before) and the monthly evaluation's changes (up to what growth reaches, or down one).
 * Both sources are append-only, so the figure can be recomputed for any past range. The entries come
 * from the dashboard's view of the ledger (ledger-days.ts).
 */
export async function tierMovementTable(
  conn: Connection,
  range: Range,
  tiers: TierDefinition[],
  entriesInRange: Pick<KpiLedgerEntry, 'type' | 'tierBefore' | 'tierAfter'>[],
): Promise<Table> {
  const upgrades = entriesInRange.filter((e) => e.type === 'earn')
  const evaluations = await tierEvaluationModel(conn)
    .find({ at: trusted(range) }, { from: 1, to: 1 })
    .lean()
    .exec()
  const moves = new Map<string, { from: number; to: number; purchase: number; monthly: number }>()
  const count = (from: number, to: number, source: 'purchase' | 'monthly') => {
    const key = `${from}>${to}`
    const row = moves.get(key) ?? { from, to, purchase: 0, monthly: 0 }
    row[source]++
    moves.set(key, row)
  }
  for (const { tierBefore, tierAfter } of upgrades)
    if (tierBefore !== null && tierAfter !== null && tierAfter > tierBefore) count(tierBefore, tierAfter, 'purchase')
  for (const ev of evaluations) if (ev.from !== ev.to) count(ev.from, ev.to, 'monthly')
  const name = (level: number) => tierByLevel(tiers, level).name
  return {
    key: 'tier_movement',
    label: '等级变动',
    definition:
      '区间内会员等级的变动人次：消费即时升级（按小票入账时的等级前后）与每月评估的升降级（降级每次最多一级）',
    columns: ['变动', '方向', '消费即时升级', '月度评估', '合计'],
    rows: [...moves.values()]
      .sort((a, b) => b.to - b.from - (a.to - a.from) || a.from - b.from)
      .map((m) => [
        `${name(m.from)} → ${name(m.to)}`,
        m.to > m.from ? '升级' : '降级',
        m.purchase,
        m.monthly,
        m.purchase + m.monthly,
      ]),
  }
}
