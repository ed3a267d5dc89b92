import { useState } from 'react'
import { POINTS_CAMPAIGN_STATUS_LABELS, type PointsCampaignSimulation, type PointsCampaignView } from '@mall/shared'
import { api } from '../api'
import { formatInstant, formatNumber } from '../format'
import { storeLabel, useStores, type StoreOption } from '../use-stores'
import { DataTable, type Column } from '../components/DataTable'
import { Panel, useAction, useAsync } from '../ui'
import { CampaignDraft, describeDay, SimulationView } from './PointsCampaignDraft'
import { StaffName } from '../staff-names'

const multiplierText = (permille: number) => `${formatNumber(permille / 1000)} 倍`

/**
 * Double-points days and member day: they are earning rules (edited in 规则配置), steered here —
 * budget use, the kill switch, and a simulator for a rule before it goes live.
 */
const columns = (stores: StoreOption[]): Column<PointsCampaignView>[] => [
  { key: 'name', title: '名称', render: (v) => v.campaign.name },
  { key: 'day', title: '活动日', render: (v) => describeDay(v.campaign.when) },
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
            <StaffName id={v.stoppedBy} /> · {formatInstant(v.stoppedAt!)}
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
  const [sim, setSim] = useState<PointsCampaignSimulation | null>(null)

  const { busy, message, setMessage, act } = useAction(reload)
  const showSim = (r: unknown) => setSim(r as PointsCampaignSimulation)
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
        积分活动是积分规则的一部分：在下方“新建积分活动”中模拟后保存上线，已有活动的倍率与预算在“规则配置 →
        积分规则”中修改。额外积分预算用尽时活动自动暂停，调高预算或到下个预算周期自动恢复。
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

      <CampaignDraft stores={stores} busy={busy} act={act} setMessage={setMessage} onSimulated={showSim} />
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
