import { useState, type FormEvent } from 'react'
import {
  CAMPAIGN_KIND_LABELS,
  CAMPAIGN_KINDS,
  CAMPAIGN_STATUS_LABELS,
  campaignInput,
  shanghaiDateTime,
  type CampaignInput,
  type CampaignKind,
  type CampaignSimulation,
  type CampaignView,
  type CouponTemplate,
} from '@mall/shared'
import { api } from '../api'
import { fenToYuan, formatInstant, localToInstant } from '../format'
import { Empty, ErrorBox, invalidFieldsText, Loading, Panel, useAction, useAsync } from '../ui'
import { PointsCampaignsPanel } from './PointsCampaigns'

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
  const [grants, setGrants] = useState<{
    id: string
    items: {
      slot: number
      memberId: string
      points: number
      couponId: string | null
      couponRefusal: string | null
      at: string
    }[]
  } | null>(null)
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

      <Panel title='发放类活动列表' testId='campaign-list'>
        {list.status === 'loading' && !list.data && <Loading />}
        {list.status === 'error' && <ErrorBox error={list.error} onRetry={reload} />}
        {list.data && list.data.items.length === 0 && <Empty text='还没有发放类活动（生日礼、定向发券、流失召回）。' />}
        {list.data && list.data.items.length > 0 && (
          <div className='table-wrap'>
            <table className='table'>
              <thead>
                <tr>
                  <th>名称</th>
                  <th>类型</th>
                  <th>状态</th>
                  <th className='num'>已发放 / 预算</th>
                  <th>时间</th>
                  <th>操作</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((c) => (
                  <tr key={c.id} data-testid={`campaign-row-${c.id}`}>
                    <td>{c.name}</td>
                    <td>{CAMPAIGN_KIND_LABELS[c.kind]}</td>
                    <td>
                      <span
                        className={`tag ${c.status === 'active' ? 'active' : c.status === 'draft' ? '' : 'paused'}`}
                        data-testid='campaign-status'
                      >
                        {CAMPAIGN_STATUS_LABELS[c.status]}
                      </span>
                    </td>
                    <td className='num'>
                      {c.grants} / {c.budget.maxGrants}
                    </td>
                    <td>
                      {formatInstant(c.startsAt).slice(0, 16)} 至 {formatInstant(c.endsAt).slice(0, 16)}
                    </td>
                    <td className='actions'>
                      <button
                        className='btn btn-small'
                        type='button'
                        disabled={busy}
                        onClick={() =>
                          void act(
                            '模拟完成',
                            () => api<CampaignSimulation>('POST', `/api/ops/campaigns/${c.id}/simulate`, {}),
                            (r) => setSim(r as CampaignSimulation),
                          )
                        }
                      >
                        模拟
                      </button>
                      {c.status === 'draft' && (
                        <button
                          className='btn btn-small'
                          type='button'
                          data-testid='campaign-activate'
                          disabled={busy}
                          onClick={() =>
                            void act(`「${c.name}」已启动`, () =>
                              api('POST', `/api/ops/campaigns/${c.id}/activate`, {}),
                            )
                          }
                        >
                          启动
                        </button>
                      )}
                      {c.status === 'active' && (
                        <button
                          className='btn btn-small'
                          type='button'
                          data-testid='campaign-run'
                          disabled={busy}
                          onClick={() =>
                            void act(
                              '执行完成',
                              () => api<{ granted: number }>('POST', `/api/ops/campaigns/${c.id}/run`, {}),
                              (r) =>
                                setMessage({ ok: true, text: `本次发放 ${(r as { granted: number }).granted} 人` }),
                            )
                          }
                        >
                          立即执行
                        </button>
                      )}
                      <button
                        className='btn btn-small'
                        type='button'
                        onClick={() =>
                          void act('已加载发放记录', async () =>
                            setGrants({
                              id: c.id,
                              items: (await api<{ items: never[] }>('GET', `/api/ops/campaigns/${c.id}/grants`)).items,
                            }),
                          )
                        }
                      >
                        发放记录
                      </button>
                      {c.status !== 'killed' && (
                        <button
                          className='btn btn-small danger'
                          type='button'
                          data-testid='campaign-kill'
                          disabled={busy}
                          onClick={() => kill(c)}
                        >
                          紧急停止
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      {grants && (
        <Panel title={`发放记录（最近200条）· ${grants.id}`} testId='campaign-grants'>
          {grants.items.length === 0 ? (
            <Empty text='还没有发放记录' />
          ) : (
            <table className='table'>
              <thead>
                <tr>
                  <th className='num'>序号</th>
                  <th>会员号</th>
                  <th className='num'>积分</th>
                  <th>优惠券</th>
                  <th>时间</th>
                </tr>
              </thead>
              <tbody>
                {grants.items.map((g) => (
                  <tr key={g.slot}>
                    <td className='num'>{g.slot}</td>
                    <td>{g.memberId}</td>
                    <td className='num'>{g.points}</td>
                    <td>{g.couponId ?? (g.couponRefusal ? `未发放（${g.couponRefusal}）` : '—')}</td>
                    <td>{formatInstant(g.at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
      )}
    </>
  )
}
