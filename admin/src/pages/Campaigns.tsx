import { useState, type FormEvent } from 'react'
import {
  CAMPAIGN_KIND_LABELS,
  CAMPAIGN_KINDS,
  campaignInput,
  shanghaiDateTime,
  type CampaignInput,
  type CampaignKind,
  type CampaignSimulation,
  type CampaignView,
  type CouponTemplate,
} from '@mall/shared'
import { api } from '../api'
import { fenToYuan, localToInstant } from '../format'
import { invalidFieldsText, Panel, useAction, useAsync } from '../ui'
import { PointsCampaignsPanel } from './PointsCampaigns'
import { CampaignList } from './CampaignList'

interface Form {
  name: string
  kind: CampaignKind
  segmentId: string
  points: string
  couponTemplateId: string
  maxGrants: string
  startsAt: string
  endsAt: string
}

const localNow = (plusDays = 0) => shanghaiDateTime(Date.now() + plusDays * 86400_000).replace(' ', 'T')
const emptyForm = (): Form => ({
  name: '',
  kind: 'coupon_drop',
  segmentId: '',
  points: '',
  couponTemplateId: '',
  maxGrants: '1000',
  startsAt: localNow(),
  endsAt: localNow(30),
})

/** The form as the API contract sees it; the same zod schema the server validates with. */
function toInput(f: Form): { ok: true; input: CampaignInput } | { ok: false; text: string } {
  const parsed = campaignInput.safeParse({
    name: f.name,
    kind: f.kind,
    segmentId: f.segmentId || null,
    reward: { points: f.points.trim() === '' ? null : Number(f.points), couponTemplateId: f.couponTemplateId || null },
    budget: { maxGrants: Number(f.maxGrants) },
    startsAt: localToInstant(f.startsAt),
    endsAt: localToInstant(f.endsAt),
  })
  if (parsed.success) return { ok: true, input: parsed.data }
  const labels: Record<string, string> = {
    name: '活动名称',
    segmentId: '目标分群',
    reward: '奖励',
    budget: '预算',
    startsAt: '开始时间',
    endsAt: '结束时间',
  }
  return { ok: false, text: invalidFieldsText(parsed.error.issues, labels) }
}

function SimulationView({ sim }: { sim: CampaignSimulation }) {
  return (
    <div className='notice' data-testid='campaign-simulation'>
      <div>
        符合条件 <b>{sim.matched}</b> 人，已发放 {sim.alreadyGranted} 人，本次将发放{' '}
        <b data-testid='sim-would-grant'>{sim.wouldGrant}</b> 人（剩余预算 {sim.budgetLeft}）
      </div>
      <div>
        积分 {sim.points.toLocaleString('zh-CN')}（约 ¥{fenToYuan(sim.pointsValueFen)}），优惠券 {sim.coupons} 张
        {sim.couponStockLeft !== null && `，券库存剩余 ${sim.couponStockLeft}`}
      </div>
      {sim.warnings.map((w) => (
        <div key={w} className='form-error inline'>
          ⚠ {w}
        </div>
      ))}
    </div>
  )
}

export function CampaignsPage() {
  const [form, setForm] = useState<Form>(emptyForm)
  const [sim, setSim] = useState<CampaignSimulation | null>(null)
  const [list, reload] = useAsync(() => api<{ items: CampaignView[] }>('GET', '/api/ops/campaigns'), [])
  const [segments] = useAsync(
    () => api<{ items: { id: string; name: string; count?: number }[] }>('GET', '/api/ops/segments'),
    [],
  )
  const [templates] = useAsync(() => api<{ items: CouponTemplate[] }>('GET', '/api/ops/coupon-templates'), [])
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }))
  const { busy, message, setMessage, act } = useAction(reload)

  const withInput = (run: (input: CampaignInput) => Promise<void>) => async () => {
    const built = toInput(form)
    if (!built.ok) return setMessage({ ok: false, text: built.text })
    await run(built.input)
  }
  const simulateDraft = withInput((input) =>
    act(
      '模拟完成（未发放任何奖励）',
      () => api<CampaignSimulation>('POST', '/api/ops/campaigns/simulate', input),
      (r) => setSim(r as CampaignSimulation),
    ),
  )
  const save = (e: FormEvent) => {
    e.preventDefault()
    void withInput((input) =>
      act(
        '已保存为草稿，确认模拟结果后点“启动”',
        () => api('POST', '/api/ops/campaigns', input),
        () => setForm(emptyForm()),
      ),
    )()
  }
  const kill = (c: CampaignView) => {
    if (window.confirm(`确定紧急停止「${c.name}」？停止后不可恢复。`))
      void act(`已紧急停止「${c.name}」`, () => api('POST', `/api/ops/campaigns/${c.id}/kill`, {}))
  }
  const dropTemplates = (templates.data?.items ?? []).filter((t) => t.perMemberLimit === 1)

  return (
    <>
      <Panel title='新建活动' testId='campaign-form-panel'>
        <form onSubmit={save}>
          <div className='form-grid'>
            <label className='field'>
              <span>活动名称</span>
              <input
                data-testid='campaign-name'
                value={form.name}
                onChange={(e) => set('name', e.target.value)}
                maxLength={40}
              />
            </label>
            <label className='field'>
              <span>类型</span>
              <select
                data-testid='campaign-kind'
                value={form.kind}
                onChange={(e) => set('kind', e.target.value as CampaignKind)}
              >
                {CAMPAIGN_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {CAMPAIGN_KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            </label>
            <label className='field'>
              <span>目标分群{form.kind === 'birthday_gift' && '（可选，生日在本月的会员中再筛选）'}</span>
              <select
                data-testid='campaign-segment'
                value={form.segmentId}
                onChange={(e) => set('segmentId', e.target.value)}
              >
                <option value=''>{form.kind === 'birthday_gift' ? '全部会员' : '请选择分群'}</option>
                {(segments.data?.items ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                    {s.count !== undefined ? `（${s.count}人）` : ''}
                  </option>
                ))}
              </select>
            </label>
            <label className='field'>
              <span>每人积分</span>
              <input
                data-testid='campaign-points'
                inputMode='numeric'
                value={form.points}
                onChange={(e) => set('points', e.target.value)}
                placeholder={form.kind === 'birthday_gift' ? '留空 = 按等级生日礼' : '0'}
              />
            </label>
            <label className='field'>
              <span>发放优惠券（每人限领1张的模板）</span>
              <select
                data-testid='campaign-coupon'
                value={form.couponTemplateId}
                onChange={(e) => set('couponTemplateId', e.target.value)}
              >
                <option value=''>不发券</option>
                {dropTemplates.map((t) => (
                  <option key={t._id} value={t._id}>
                    {t._id} {t.name}
                    {t.status === 'paused' ? '（暂停领取，仅活动发放）' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label className='field'>
              <span>预算（最多发放人次，用尽自动暂停）</span>
              <input
                data-testid='campaign-budget'
                inputMode='numeric'
                value={form.maxGrants}
                onChange={(e) => set('maxGrants', e.target.value)}
              />
            </label>
            <label className='field'>
              <span>开始时间</span>
              <input type='datetime-local' value={form.startsAt} onChange={(e) => set('startsAt', e.target.value)} />
            </label>
            <label className='field'>
              <span>结束时间</span>
              <input type='datetime-local' value={form.endsAt} onChange={(e) => set('endsAt', e.target.value)} />
            </label>
          </div>
          <div className='toolbar'>
            <button
              className='btn'
              type='button'
              data-testid='campaign-simulate'
              disabled={busy}
              onClick={() => void simulateDraft()}
            >
              模拟
            </button>
            <button className='btn btn-primary' type='submit' data-testid='campaign-save' disabled={busy}>
              保存草稿
            </button>
          </div>
        </form>
        {sim && <SimulationView sim={sim} />}
        {message && (
          <div className={message.ok ? 'notice success' : 'form-error'} data-testid='campaign-message' role='status'>
            {message.text}
          </div>
        )}
      </Panel>

      <PointsCampaignsPanel />

      <CampaignList
        list={list}
        reload={reload}
        busy={busy}
        act={act}
        setMessage={setMessage}
        onSimulated={setSim}
        onKill={kill}
      />
    </>
  )
}
