import { useState, type FormEvent } from 'react'
import { addDays, type KpiReport } from '@mall/shared'
import { api, qs } from '../api'
import { downloadCsv, toCsv } from '../csv'
import { defaultRange, formatMetric } from '../format'
import { storeLabel, useStores } from '../use-stores'
import { KpiChart } from '../components/KpiChart'
import { ChannelMix } from '../components/ChannelMix'
import { EarnBacklog } from '../components/EarnBacklog'
import { DataTable, matrixColumns } from '../components/DataTable'
import { MetricCard } from '../components/MetricCard'
import { Empty, ErrorBox, Loading, Panel, useAsync } from '../ui'

interface Query {
  from: string
  to: string
  storeId: string
}

const fileSuffix = (r: KpiReport['range']) => `${r.from}_${r.to}_${r.storeId ?? '全部门店'}`

/** The period of the same length just before `from`..`to` (days, Shanghai). */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  let days = 0
  for (let d = from; d <= to && days < 400; d = addDays(d, 1)) days++
  const prevTo = addDays(from, -1)
  return { from: addDays(prevTo, -(days - 1)), to: prevTo }
}

export function DashboardPage() {
  const stores = useStores()
  const [draft, setDraft] = useState<Query>(() => ({ ...defaultRange(), storeId: '' }))
  const [query, setQuery] = useState<Query>(draft)
  const [formError, setFormError] = useState<string | null>(null)
  const [state, reload] = useAsync(
    () => api<KpiReport>('GET', `/api/ops/kpis${qs({ from: query.from, to: query.to, storeId: query.storeId })}`),
    [query],
  )
  // the previous period of equal length, for the comparison on each card (a failure leaves it out)
  const prevRange = previousPeriod(query.from, query.to)
  const [previous] = useAsync(
    () => api<KpiReport>('GET', `/api/ops/kpis${qs({ ...prevRange, storeId: query.storeId })}`),
    [query],
  )

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!draft.from || !draft.to) return setFormError('请选择开始和结束日期')
    if (draft.from > draft.to) return setFormError('开始日期不能晚于结束日期')
    setFormError(null)
    if (JSON.stringify(draft) === JSON.stringify(query)) reload()
    else setQuery(draft)
  }

  const report = state.data
  const exportMetrics = () => {
    if (!report) return
    const csv = toCsv(
      ['指标', '数值', '单位', '显示值', '口径说明', 'key'],
      report.metrics.map((m) => [m.label, m.value, m.unit, formatMetric(m.value, m.unit), m.definition, m.key]),
    )
    downloadCsv(`核心指标_${fileSuffix(report.range)}.csv`, csv)
  }

  return (
    <div className='page'>
      <form className='toolbar' onSubmit={submit}>
        <label className='field-inline'>
          <span>开始日期</span>
          <input
            type='date'
            data-testid='kpi-from'
            value={draft.from}
            max={draft.to || undefined}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label className='field-inline'>
          <span>结束日期</span>
          <input
            type='date'
            data-testid='kpi-to'
            value={draft.to}
            min={draft.from || undefined}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </label>
        <label className='field-inline'>
          <span>门店</span>
          <select
            data-testid='kpi-store'
            value={draft.storeId}
            onChange={(e) => setDraft({ ...draft, storeId: e.target.value })}
          >
            <option value=''>全部门店</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <small className='muted' data-testid='kpi-store-note'>
            只影响消费、券核销、反馈和门店销售类指标
          </small>
        </label>
        <button
          className='btn btn-primary'
          type='submit'
          data-testid='kpi-submit'
          disabled={state.status === 'loading'}
        >
          查询
        </button>
        <button
          className='btn'
          type='button'
          data-testid='kpi-export-metrics'
          onClick={exportMetrics}
          disabled={!report || report.metrics.length === 0}
        >
          导出指标 CSV
        </button>
        {formError && <span className='form-error inline'>{formError}</span>}
      </form>

      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !report && <Loading />}
      {report && (
        <div className={state.status === 'loading' ? 'stale' : undefined}>
          {state.status === 'loading' && <Loading text='正在刷新…' />}
          <p className='range-note'>
            统计区间 {report.range.from} 至 {report.range.to}（上海时间），
            {report.range.storeId
              ? `门店 ${storeLabel(stores, report.range.storeId)}：标「按门店」的指标只计该门店，标「全商场」的不受门店筛选影响`
              : '全部门店'}
            ；对比上期 {prevRange.from} 至 {prevRange.to}
          </p>
          {report.metrics.length === 0 && report.series.length === 0 && report.tables.length === 0 && (
            <Empty text='该时段没有数据' />
          )}
          <div className='metric-grid'>
            {report.metrics.map((m) => (
              <MetricCard
                key={m.key}
                metric={m}
                previous={previous.data?.metrics.find((p) => p.key === m.key)}
                storeFiltered={report.range.storeId !== null}
              />
            ))}
          </div>
          <div className='chart-grid'>
            {report.series.map((s) => (
              <Panel key={s.key} title={<ScopedTitle label={s.label} scoped={s.storeScoped} range={report.range} />}>
                <div data-testid='kpi-chart' data-key={s.key}>
                  {s.points.length > 0 ? (
                    <KpiChart label={s.label} points={s.points} />
                  ) : (
                    <Empty text='该时段没有数据' />
                  )}
                </div>
                <p className='definition'>口径：{s.definition}</p>
              </Panel>
            ))}
          </div>
          <ChannelMix from={report.range.from} to={report.range.to} storeId={report.range.storeId ?? ''} />
          <EarnBacklog from={report.range.from} to={report.range.to} />
          {report.tables.map((t) => (
            <Panel
              key={t.key}
              title={<ScopedTitle label={t.label} scoped={t.storeScoped} range={report.range} />}
              extra={
                <button
                  className='btn btn-small'
                  type='button'
                  data-testid='kpi-table-export'
                  onClick={() => downloadCsv(`${t.label}_${fileSuffix(report.range)}.csv`, toCsv(t.columns, t.rows))}
                >
                  导出 CSV
                </button>
              }
            >
              <p className='definition'>口径：{t.definition}</p>
              <DataTable
                columns={matrixColumns(t.columns, t.rows)}
                rows={t.rows}
                rowKey={(_, i) => String(i)}
                testId='kpi-table'
                emptyText='该时段没有数据'
              />
            </Panel>
          ))}
        </div>
      )}
    </div>
  )
}

/** A chart's or table's title; with a store chosen, whether the store filter applies to it. */
function ScopedTitle({ label, scoped, range }: { label: string; scoped?: boolean; range: KpiReport['range'] }) {
  return (
    <>
      {label}
      {range.storeId && <span className={`tag scope${scoped ? ' active' : ''}`}>{scoped ? '按门店' : '全商场'}</span>}
    </>
  )
}
