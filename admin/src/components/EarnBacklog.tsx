import type { PendingPointsSyncsPage, PointsClaimsPage, ReceiptSla, UnmappedPaymentsPage } from '@mall/shared'
import { api, qs } from '../api'
import { formatNumber } from '../format'
import { ErrorBox, Loading, Panel, useAsync } from '../ui'

interface Backlog {
  receipts: ReceiptSla
  claims: number
  unmapped: number
  failingSyncs: number
}

const minutes = (m: number | null) => (m === null ? '暂无数据' : `${formatNumber(Math.round(m))} 分钟`)

async function loadBacklog(from: string, to: string): Promise<Backlog> {
  const [receipts, claims, unmapped, syncs] = await Promise.all([
    api<ReceiptSla>('GET', `/api/ops/receipt-photos/sla${qs({ from, to })}`),
    api<PointsClaimsPage>('GET', '/api/desk/points-claims?status=pending'),
    api<UnmappedPaymentsPage>('GET', '/api/ops/wechat-pay/unmapped'),
    api<PendingPointsSyncsPage>('GET', '/api/ops/wechat-pay/syncs'),
  ])
  return {
    receipts,
    claims: claims.items.length,
    unmapped: unmapped.items.length,
    // a sync WeChat has refused at least once; a fresh one waits for its first try
    failingSyncs: syncs.items.filter((s) => s.attempts > 0).length,
  }
}

interface Tile {
  key: string
  label: string
  value: number
  detail: string
  href: string
}

function tiles(b: Backlog): Tile[] {
  const r = b.receipts
  return [
    {
      key: 'receipts',
      label: '小票待审核',
      value: r.pending,
      detail:
        `最久已等 ${minutes(r.oldestPendingMinutes)}；区间内审核时效 中位 ${minutes(r.medianMinutes)}` +
        `，P90 ${minutes(r.p90Minutes)}`,
      href: '#/receipt-photos',
    },
    {
      key: 'claims',
      label: '积分补登待审核',
      value: b.claims,
      detail: '会员申报的未到账消费',
      href: '#/points-claims',
    },
    {
      key: 'unmapped',
      label: '商圈支付待关联',
      value: b.unmapped,
      detail: '商户未关联门店或付款人未注册',
      href: '#/wechat-pay',
    },
    {
      key: 'syncs',
      label: '积分同步失败',
      value: b.failingSyncs,
      detail: '微信支付未接受、等待重试',
      href: '#/wechat-pay',
    },
  ]
}

/**
 * The earn channels' work waiting for people: receipt photos and 积分补登 claims to review (with the review
 * time in the period), 商圈 payments no store or member took, and points syncs WeChat keeps refusing.
 * Whole-mall figures: the store filter does not apply.
 */
export function EarnBacklog({ from, to }: { from: string; to: string }) {
  const [state, reload] = useAsync(() => loadBacklog(from, to), [from, to])
  return (
    <Panel title='待处理事项（全商场）' testId='earn-backlog'>
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.data && (
        <div className='metric-grid'>
          {tiles(state.data).map((t) => (
            <a key={t.key} className='metric-card' href={t.href} data-testid='earn-backlog-item' data-key={t.key}>
              <div className='metric-label'>{t.label}</div>
              <div className={`metric-value${t.value === 0 ? ' muted' : ''}`}>{formatNumber(t.value)}</div>
              <p className='definition'>{t.detail}</p>
            </a>
          ))}
        </div>
      )}
    </Panel>
  )
}
