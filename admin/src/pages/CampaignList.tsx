import { useState } from 'react'
import {
  CAMPAIGN_KIND_LABELS,
  CAMPAIGN_STATUS_LABELS,
  ERROR_MESSAGES_ZH,
  type CampaignSimulation,
  type CampaignView,
} from '@mall/shared'
import { api } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { formatInstant } from '../format'
import { Panel, type ActionMessage, type AsyncState } from '../ui'

interface Grant {
  slot: number
  memberId: string
  points: number
  couponId: string | null
  couponRefusal: string | null
  at: string
}

const STATUS_TAG: Record<CampaignView['status'], string> = {
  draft: '',
  active: 'active',
  paused_budget: 'paused',
  killed: 'paused',
}

const COLUMNS: Column<CampaignView>[] = [
  { key: 'name', title: '名称' },
  { key: 'kind', title: '类型', render: (c) => CAMPAIGN_KIND_LABELS[c.kind] },
  {
    key: 'status',
    title: '状态',
    render: (c) => (
      <span className={`tag ${STATUS_TAG[c.status]}`} data-testid='campaign-status'>
        {CAMPAIGN_STATUS_LABELS[c.status]}
      </span>
    ),
  },
  { key: 'grants', title: '已发放 / 预算', numeric: true, render: (c) => `${c.grants} / ${c.budget.maxGrants}` },
  {
    key: 'time',
    title: '时间（上海）',
    render: (c) => (
      <small>
        {formatInstant(c.startsAt).slice(0, 16)}
        <br />至 {formatInstant(c.endsAt).slice(0, 16)}
      </small>
    ),
  },
]

const refusalText = (code: string) => (ERROR_MESSAGES_ZH as Record<string, string>)[code] ?? '未发放'
const GRANT_COLUMNS: Column<Grant>[] = [
  { key: 'slot', title: '序号', numeric: true },
  { key: 'memberId', title: '会员号', className: 'mono' },
  { key: 'points', title: '积分', numeric: true },
  {
    key: 'coupon',
    title: '优惠券',
    render: (g) => g.couponId ?? (g.couponRefusal ? `未发放（${refusalText(g.couponRefusal)}）` : '—'),
  },
  { key: 'at', title: '时间（上海）', className: 'nowrap', render: (g) => formatInstant(g.at) },
]

/** 发放类活动列表 (birthday gifts, targeted coupons, win-back) with their actions and grant records. */
export function CampaignList({
  list,
  reload,
  busy,
  act,
  setMessage,
  onSimulated,
  onKill,
}: {
  list: AsyncState<{ items: CampaignView[] }>
  reload: () => void
  busy: boolean
  act: (done: string, call: () => Promise<unknown>, after?: (result: unknown) => void) => Promise<void>
  setMessage: (m: ActionMessage) => void
  onSimulated: (sim: CampaignSimulation) => void
  onKill: (c: CampaignView) => void
}) {
  const [grants, setGrants] = useState<{ id: string; items: Grant[] } | null>(null)
  const button = (label: string, onClick: () => void, testId?: string, danger = false) => (
    <button
      className={`btn btn-small${danger ? ' danger' : ''}`}
      type='button'
      data-testid={testId}
      disabled={busy}
      onClick={onClick}
    >
      {label}
    </button>
  )
  return (
    <>
      <Panel title='发放类活动列表' testId='campaign-list'>
        <DataTable
          columns={COLUMNS}
          rows={list.data?.items}
          rowKey={(c) => c.id}
          loading={list.status === 'loading'}
          error={list.error}
          onRetry={reload}
          rowProps={(c) => ({ 'data-testid': `campaign-row-${c.id}` })}
          emptyText='还没有发放类活动（生日礼、定向发券、流失召回）。'
          actions={(c) => (
            <div className='actions-wrap'>
              {button(
                '模拟',
                () =>
                  void act(
                    '模拟完成',
                    () => api<CampaignSimulation>('POST', `/api/ops/campaigns/${c.id}/simulate`, {}),
                    (r) => onSimulated(r as CampaignSimulation),
                  ),
              )}
              {c.status === 'draft' &&
                button(
                  '启动',
                  () => void act(`「${c.name}」已启动`, () => api('POST', `/api/ops/campaigns/${c.id}/activate`, {})),
                  'campaign-activate',
                )}
              {c.status === 'active' &&
                button(
                  '立即执行',
                  () =>
                    void act(
                      '执行完成',
                      () => api<{ granted: number }>('POST', `/api/ops/campaigns/${c.id}/run`, {}),
                      (r) => setMessage({ ok: true, text: `本次发放 ${(r as { granted: number }).granted} 人` }),
                    ),
                  'campaign-run',
                )}
              {button(
                '发放记录',
                () =>
                  void act('已加载发放记录', async () =>
                    setGrants({
                      id: c.id,
                      items: (await api<{ items: Grant[] }>('GET', `/api/ops/campaigns/${c.id}/grants`)).items,
                    }),
                  ),
              )}
              {c.status !== 'killed' && button('紧急停止', () => onKill(c), 'campaign-kill', true)}
            </div>
          )}
        />
      </Panel>
      {grants && (
        <Panel title={`发放记录（最近200条）· ${grants.id}`} testId='campaign-grants'>
          <DataTable
            columns={GRANT_COLUMNS}
            rows={grants.items}
            rowKey={(g) => String(g.slot)}
            emptyText='还没有发放记录'
            dense
          />
        </Panel>
      )}
    </>
  )
}
