import type { KpiReport } from '@mall/shared'
import { formatMetric, formatNumber } from '../format'

type Metric = KpiReport['metrics'][number]

/** "较上期 ↑12.5%" (a rate's change in 百分点); null when there is no previous figure to compare with. */
export function comparison(now: Metric, before: Metric | undefined): { text: string; tone: 'pos' | 'neg' | '' } | null {
  if (!before || now.value === null || before.value === null) return null
  const diff = now.value - before.value
  const arrow = diff > 0 ? '↑' : diff < 0 ? '↓' : ''
  const tone = diff > 0 ? 'pos' : diff < 0 ? 'neg' : ''
  if (now.unit === '%') return { text: `较上期 ${arrow}${formatNumber(Math.abs(diff))} 个百分点`, tone }
  if (before.value === 0) return diff === 0 ? { text: '与上期持平', tone } : { text: '上期为 0', tone }
  if (diff === 0) return { text: '与上期持平', tone }
  return { text: `较上期 ${arrow}${formatNumber(Math.abs((diff / before.value) * 100))}%`, tone }
}

/** One KPI: value, change against the previous period of equal length, definition, store scope. */
export function MetricCard({
  metric: m,
  previous,
  storeFiltered,
}: {
  metric: Metric
  previous: Metric | undefined
  storeFiltered: boolean
}) {
  const change = comparison(m, previous)
  return (
    <div className='metric-card' data-testid='kpi-metric' data-key={m.key}>
      <div className='metric-label'>
        {m.label}
        {storeFiltered && (
          <span className={`tag scope${m.storeScoped ? ' active' : ''}`} data-testid='kpi-metric-scope'>
            {m.storeScoped ? '按门店' : '全商场'}
          </span>
        )}
      </div>
      <div className={`metric-value${m.value === null ? ' muted' : ''}`}>{formatMetric(m.value, m.unit)}</div>
      <div className={`metric-change ${change?.tone ?? ''}`} data-testid='kpi-metric-change'>
        {m.asOfNow ? '当前值，不随区间变化' : change ? change.text : previous ? '上期暂无数据' : ''}
      </div>
      <p className='definition'>{m.definition}</p>
    </div>
  )
}
