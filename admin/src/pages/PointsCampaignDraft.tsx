import { useState } from 'react'
import {
  pointsCampaignSchema,
  type EarningRules,
  type PointsCampaign,
  type PointsCampaignSimulation,
} from '@mall/shared'
import { api } from '../api'
import { fenToYuan, formatNumber } from '../format'
import type { StoreOption } from '../use-stores'
import { CheckGroup, invalidFieldsText, type useAction } from '../ui'

interface Draft {
  name: string
  kind: PointsCampaign['when']['kind']
  value: string
  multiplier: string
  storeIds: string[]
  budgetPoints: string
  budgetPeriod: 'total' | 'month'
}
const emptyDraft: Draft = {
  name: '',
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
    name: d.name.trim() || '模拟',
    multiplierPermille: Math.round(Number(d.multiplier) * 1000),
    when: d.kind === 'date' ? { kind: 'date', value: d.value.trim() } : { kind: d.kind, value: Number(d.value) },
    storeIds: d.storeIds,
    budgetPoints: d.budgetPoints.trim() === '' ? 0 : Number(d.budgetPoints),
    budgetPeriod: d.budgetPeriod,
  })
  if (parsed.success) return { ok: true, campaign: parsed.data }
  const labels: Record<string, string> = {
    name: '活动名称',
    multiplierPermille: '倍率',
    when: '活动日',
    budgetPoints: '预算',
  }
  return { ok: false, text: invalidFieldsText(parsed.error.issues, labels) }
}

export function SimulationView({ sim }: { sim: PointsCampaignSimulation }) {
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
 * 新建积分活动: a double-points day drafted in operators' terms (day, 倍, budget, stores), simulated over
 * recent purchases, then saved into the earning rules as a new version (规则配置's history shows it) once
 * the operator confirms. Existing campaigns are edited in 规则配置.
 */
export function CampaignDraft(props: {
  stores: StoreOption[]
  busy: boolean
  act: ReturnType<typeof useAction>['act']
  setMessage: ReturnType<typeof useAction>['setMessage']
  onSimulated: (result: unknown) => void
}) {
  const { stores, busy, act, setMessage } = props
  const [draft, setDraft] = useState<Draft>(emptyDraft)
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }))

  const simulateDraft = () => {
    const built = toCampaign(draft)
    if (!built.ok) return setMessage({ ok: false, text: built.text })
    void act(
      '模拟完成（未改动任何规则）',
      () => api('POST', '/api/ops/points-campaigns/simulate', { campaign: built.campaign }),
      props.onSimulated,
    )
  }
  const saveDraft = () => {
    const name = draft.name.trim()
    if (!name) return setMessage({ ok: false, text: '请填写活动名称' })
    const built = toCampaign(draft)
    if (!built.ok) return setMessage({ ok: false, text: built.text })
    const c = built.campaign
    const where = c.storeIds.length ? `${c.storeIds.length} 家门店` : '全部门店'
    const summary = `${describeDay(c.when)}，${formatNumber(c.multiplierPermille / 1000)} 倍积分，${where}`
    if (!window.confirm(`确认上线积分活动「${name}」？${summary}，保存后立即生效。`)) return
    void act(`已上线积分活动「${name}」`, async () => {
      const { earning } = await api<{ earning: EarningRules }>('GET', '/api/ops/rules')
      const campaign = { ...c, id: `pc-${Date.now().toString(36)}`, name }
      await api('PUT', '/api/ops/rules', {
        section: 'earning',
        value: { ...earning, campaigns: [...earning.campaigns, campaign] },
        note: `新增积分活动「${name}」`,
      })
      setDraft(emptyDraft)
    })
  }

  return (
    <>
      <h3 className='subhead'>新建积分活动（先模拟，再保存上线）</h3>
      <div className='form-grid'>
        <label className='field'>
          <span>活动名称</span>
          <input
            data-testid='points-draft-name'
            maxLength={40}
            placeholder='如：周三双倍积分日'
            value={draft.name}
            onChange={(e) => set('name', e.target.value)}
          />
        </label>
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
        <button
          className='btn btn-primary'
          type='button'
          data-testid='points-draft-save'
          disabled={busy}
          onClick={saveDraft}
        >
          保存并上线
        </button>
      </div>
    </>
  )
}

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']
/** 每周三 / 每月 18 日 / 2026-12-24 */
export function describeDay(when: PointsCampaign['when']): string {
  if (when.kind === 'weekday') return `每周${WEEKDAYS[when.value - 1]}`
  if (when.kind === 'monthday') return `每月 ${when.value} 日`
  return String(when.value)
}
