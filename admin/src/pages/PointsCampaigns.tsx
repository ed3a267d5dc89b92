import { useState } from 'react'
import {
  POINTS_CAMPAIGN_STATUS_LABELS,
  pointsCampaignSchema,
  type PointsCampaign,
  type PointsCampaignSimulation,
  type PointsCampaignView,
} from '@mall/shared'
import { api } from '../api'
import { fenToYuan, formatInstant, formatNumber } from '../format'
import { storeLabel, useStores, type StoreOption } from '../use-stores'
import { DataTable, type Column } from '../components/DataTable'
import { CheckGroup, invalidFieldsText, Panel, useAction, useAsync } from '../ui'

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']
export function describeCampaignDay(when: PointsCampaign['when']): string {
  if (when.kind === 'weekday') return `每周${WEEKDAYS[when.value - 1]}`
  if (when.kind === 'monthday') return `每月 ${when.value} 日`
  return String(when.value)
}
const multiplierText = (permille: number) => `${formatNumber(permille / 1000)} 倍`

interface Draft {
  kind: PointsCampaign['when']['kind']
  value: string
  multiplier: string
  storeIds: string[]
  budgetPoints: string
  budgetPeriod: 'total' | 'month'
}
const emptyDraft: Draft = {
  kind: 'weekday',
  value: '3',
  multiplier: '2',
  storeIds: [],
  budgetPoints: '',
  budgetPeriod: 'month',
}

/** The draft as the rules contract sees it (the same zod schema the server validates with). */
function toCampaign(d: Draft): { ok: true; campaign: PointsCampaign } | { ok: false; text: string } {
  const parsed = pointsCampaignSchema.safeParse({
    id: 'draft',
    name: '模拟',
    multiplierPermille: Math.round(Number(d.multiplier) * 1000),
    when: d.kind === 'date' ? { kind: 'date', value: d.value.trim() } : { kind: d.kind, value: Number(d.value) },
    storeIds: d.storeIds,
    budgetPoints: d.budgetPoints.trim() === '' ? 0 : Number(d.budgetPoints),
    budgetPeriod: d.budgetPeriod,
  })
  if (parsed.success) return { ok: true, campaign: parsed.data }
  const labels: Record<string, string> = { multiplierPermille: '倍率', when: '活动日', budgetPoints: '预算' }
  return { ok: false, text: invalidFieldsText(parsed.error.issues, labels) }
}

function SimulationView({ sim }: { sim: PointsCampaignSimulation }) {
  return (
    <div className='notice' data-testid='points-simulation'>
      <div>
        参考过去 {sim.sampleDays} 天中 {sim.comparableDays} 个同类日：每个活动日约{' '}
        <b>{formatNumber(sim.perDay.members)}</b> 位会员、{formatNumber(sim.perDay.purchases)} 笔消费， 额外积分约{' '}
        <b data-testid='points-sim-per-day'>{formatNumber(sim.perDay.bonusPoints)}</b>；参考期内共触达{' '}
        {sim.membersReached} 位会员
      </div>
      <div>
        未来 30 天有 {sim.upcomingDays.length} 个活动日
        {sim.upcomingDays.length > 0 && `（${sim.upcomingDays.join('、')}）`}，预计额外积分
        <b data-testid='points-sim-projected'> {sim.projectedBonusPoints.toLocaleString('zh-CN')}</b>（约 ¥
        {fenToYuan(sim.projectedValueFen)}）
        {sim.budget &&
          `；预算 ${sim.budget.points.toLocaleString('zh-CN')}` +
            `（${sim.budget.period === 'month' ? '每月' : '总计'}），` +
            `已用 ${sim.budget.used.toLocaleString('zh-CN')}`}
      </div>
      {sim.warnings.map((w) => (
        <div key={w} className='form-error inline'>
          ⚠ {w}
        </div>
      ))}
    </div>
  )
}

/**
 * Double-points days and member day: they are earning rules (edited in 规则配置), steered here —
 * budget use, the kill switch, and a simulator for a rule before it goes live.
 */
const columns = (stores: StoreOption[]): Column<PointsCampaignView>[] => [
  { key: 'name', title: '名称', render: (v) => v.campaign.name },
  { key: 'day', title: '活动日', render: (v) => describeCampaignDay(v.campaign.when) },
  { key: 'multiplier', title: '倍率', numeric: true, render: (v) => multiplierText(v.campaign.multiplierPermille) },
  {
    key: 'stores',
    title: '门店',
    render: (v) =>
      v.campaign.storeIds.length ? v.campaign.storeIds.map((id) => storeLabel(stores, id)).join('、') : '全部门店',
  },
  {
    key: 'budget',
    title: '预算已用 / 总额',
    numeric: true,
    render: (v) => (
      <span data-testid='points-campaign-budget'>
        {v.budget
          ? `${v.budget.used.toLocaleString('zh-CN')} / ${v.budget.points.toLocaleString('zh-CN')}` +
            (v.budget.period === 'month' ? `（${v.budget.periodKey}）` : '')
          : '不限'}
      </span>
    ),
  },
  {
    key: 'status',
    title: '状态',
    render: (v) => (
      <>
        <span
          className={`tag ${v.status === 'running' ? 'active' : v.status === 'scheduled' ? '' : 'paused'}`}
          data-testid='points-campaign-status'
        >
          {POINTS_CAMPAIGN_STATUS_LABELS[v.status]}
        </span>
        {v.stoppedBy && (
          <div className='muted'>
            {v.stoppedBy} · {formatInstant(v.stoppedAt!)}
            {v.stopNote && ` · ${v.stopNote}`}
          </div>
        )}
      </>
    ),
  },
  { key: 'next', title: '下次活动日', render: (v) => v.nextDay ?? '—' },
]

export function PointsCampaignsPanel() {
  const stores = useStores()
  const [list, reload] = useAsync(() => api<{ items: PointsCampaignView[] }>('GET', '/api/ops/points-campaigns'), [])
  const [draft, setDraft] = useState<Draft>(emptyDraft)
  const [sim, setSim] = useState<PointsCampaignSimulation | null>(null)
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }))

  const { busy, message, setMessage, act } = useAction(reload)
  const showSim = (r: unknown) => setSim(r as PointsCampaignSimulation)
  const simulateDraft = () => {
    const built = toCampaign(draft)
    if (!built.ok) return setMessage({ ok: false, text: built.text })
    void act(
      '模拟完成（未改动任何规则）',
      () => api('POST', '/api/ops/points-campaigns/simulate', { campaign: built.campaign }),
      showSim,
    )
  }
  const kill = (v: PointsCampaignView) => {
    const note = window.prompt(`紧急停止「${v.campaign.name}」：立即停止加倍积分，可随时恢复。请填写原因`, '')
    if (note !== null)
      void act(`已紧急停止「${v.campaign.name}」`, () =>
        api('POST', `/api/ops/points-campaigns/${v.campaign.id}/kill`, { note }),
      )
  }

  return (
    <Panel title='积分活动（双倍积分日 / 会员日）' testId='points-campaigns'>
      <p className='hint'>
        活动规则在“规则配置 → 积分规则”的 campaigns 中编辑（budgetPoints：额外积分预算，0 = 不限；budgetPeriod：total
        总计 / month 每月）。预算用尽自动暂停，调高预算或到下个月自动恢复。
      </p>
      <DataTable
        columns={columns(stores)}
        rows={list.data?.items}
        rowKey={(v) => v.campaign.id}
        loading={list.status === 'loading'}
        error={list.error}
        onRetry={reload}
        rowProps={(v) => ({ 'data-testid': `points-campaign-row-${v.campaign.id}` })}
        emptyText='没有积分活动'
        actions={(v) => (
          <div className='actions-wrap'>
            <button
              className='btn btn-small'
              type='button'
              disabled={busy}
              onClick={() =>
                void act(
                  '模拟完成',
                  () => api('POST', `/api/ops/points-campaigns/${v.campaign.id}/simulate`, {}),
                  showSim,
                )
              }
            >
              模拟
            </button>
            {v.status === 'killed' ? (
              <button
                className='btn btn-small'
                type='button'
                data-testid='points-campaign-resume'
                disabled={busy}
                onClick={() =>
                  void act(`已恢复「${v.campaign.name}」`, () =>
                    api('POST', `/api/ops/points-campaigns/${v.campaign.id}/resume`, { note: '' }),
                  )
                }
              >
                恢复
              </button>
            ) : (
              <button
                className='btn btn-small danger'
                type='button'
                data-testid='points-campaign-kill'
                disabled={busy}
                onClick={() => kill(v)}
              >
                紧急停止
              </button>
            )}
          </div>
        )}
      />

      <h3 className='subhead'>上线前模拟</h3>
      <div className='form-grid'>
        <label className='field'>
          <span>活动日</span>
          <select
            data-testid='points-draft-kind'
            value={draft.kind}
            onChange={(e) => set('kind', e.target.value as Draft['kind'])}
          >
            <option value='weekday'>每周（1–7 = 周一至周日）</option>
            <option value='monthday'>每月（1–31 日）</option>
            <option value='date'>指定日期（YYYY-MM-DD）</option>
          </select>
        </label>
        <label className='field'>
          <span>{draft.kind === 'date' ? '日期' : draft.kind === 'weekday' ? '星期几' : '几号'}</span>
          <input data-testid='points-draft-value' value={draft.value} onChange={(e) => set('value', e.target.value)} />
        </label>
        <label className='field'>
          <span>积分倍率（倍）</span>
          <input
            data-testid='points-draft-multiplier'
            inputMode='decimal'
            value={draft.multiplier}
            onChange={(e) => set('multiplier', e.target.value)}
          />
        </label>
        <label className='field'>
          <span>额外积分预算（留空 = 不限）</span>
          <input
            data-testid='points-draft-budget'
            inputMode='numeric'
            value={draft.budgetPoints}
            onChange={(e) => set('budgetPoints', e.target.value)}
          />
        </label>
        <label className='field'>
          <span>预算周期</span>
          <select
            value={draft.budgetPeriod}
            onChange={(e) => set('budgetPeriod', e.target.value as Draft['budgetPeriod'])}
          >
            <option value='month'>每月</option>
            <option value='total'>活动总计</option>
          </select>
        </label>
        <div className='field'>
          <span>门店（不选 = 全部）</span>
          <CheckGroup
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
            value={draft.storeIds}
            onChange={(v) => set('storeIds', v)}
            testIdPrefix='points-draft-store'
          />
        </div>
      </div>
      <div className='toolbar'>
        <button
          className='btn'
          type='button'
          data-testid='points-draft-simulate'
          disabled={busy}
          onClick={simulateDraft}
        >
          模拟
        </button>
      </div>
      {sim && <SimulationView sim={sim} />}
      {message && (
        <div
          className={message.ok ? 'notice success' : 'form-error'}
          data-testid='points-campaign-message'
          role='status'
        >
          {message.text}
        </div>
      )}
    </Panel>
  )
}
