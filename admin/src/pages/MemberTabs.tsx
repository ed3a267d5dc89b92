import { useEffect, useState, type ReactNode } from 'react'
import { type MemberCoupon, type WalletEntry } from '@mall/shared'
import { api, qs } from '../api'
import { fenToYuan, formatInstant } from '../format'
import { DataTable, type Column } from '../components/DataTable'
import { Pager, useAsync } from '../ui'
import { MemberFeedbackTab } from './MemberFeedbackTab'
import { type Paged } from './member-common'

/** The member detail's tabs: ledger, coupons, check-ins, referrals and feedback. */
type LedgerEntry = WalletEntry & {
  eventKey: string
  staffId: string | null
  storeId: string | null
  rulesVersion: number | null
}
interface CheckinRow {
  day: string
  kind: 'daily' | 'makeup'
  streak: number
  rewardPoints: number
  milestoneDay: number | null
  at: string
}
interface ReferralRow {
  inviteeId: string
  nickname: string | null
  status: string
  joinedAt: string
  qualifiedAt: string | null
  inviterRewardPoints: number
}
interface Referrals extends Paged<ReferralRow> {
  totals: { invited: number; rewarded: number }
  invitedBy: { inviterId: string; status: string; at: string } | null
}

const REFERRAL_STATUS: Record<string, string> = {
  registered: '已注册',
  qualified: '已首购',
  rewarded: '已奖励',
  capped: '超出奖励上限',
  reversed: '已退货扣回',
}
const COUPON_STATUS: Record<string, string> = { unused: '未使用', used: '已使用', expired: '已过期' }

const LEDGER_COLUMNS: Column<LedgerEntry>[] = [
  { key: 'seq', title: '序号', numeric: true },
  { key: 'createdAt', title: '时间（上海）', className: 'nowrap', render: (e) => formatInstant(e.createdAt) },
  { key: 'title', title: '说明' },
  {
    key: 'delta',
    title: '积分',
    numeric: true,
    render: (e) => <span className={e.delta < 0 ? 'neg' : 'pos'}>{e.delta > 0 ? `+${e.delta}` : e.delta}</span>,
  },
  { key: 'balanceAfter', title: '余额', numeric: true },
  {
    key: 'store',
    title: '门店 / 小票',
    render: (e) => (
      <>
        {e.storeName ?? e.storeId ?? '—'}
        {e.receiptNo && <small className='muted block mono'>{e.receiptNo}</small>}
      </>
    ),
  },
  {
    key: 'amount',
    title: '金额',
    numeric: true,
    render: (e) => (e.amountFen !== null ? `¥${fenToYuan(e.amountFen)}` : '—'),
  },
  { key: 'staffId', title: '员工' },
  { key: 'rulesVersion', title: '规则版本' },
]

export type TabKey = 'ledger' | 'coupons' | 'checkins' | 'referrals' | 'feedback'
export const TABS: { key: TabKey; label: string; Tab: (p: { memberId: string }) => ReactNode }[] = [
  { key: 'ledger', label: '积分流水', Tab: LedgerTab },
  { key: 'coupons', label: '优惠券', Tab: CouponsTab },
  { key: 'checkins', label: '签到', Tab: CheckinsTab },
  { key: 'referrals', label: '邀请', Tab: ReferralsTab },
  { key: 'feedback', label: '反馈', Tab: MemberFeedbackTab },
]

function LedgerTab({ memberId }: { memberId: string }) {
  const [items, setItems] = useState<LedgerEntry[]>([])
  const [next, setNext] = useState<number | null>(null)
  const [state, setState] = useState<{ loading: boolean; error: unknown }>({ loading: true, error: null })
  const load = async (beforeSeq?: number) => {
    setState({ loading: true, error: null })
    try {
      const res = await api<{ items: LedgerEntry[]; nextBeforeSeq: number | null }>(
        'GET',
        `/api/ops/members/${encodeURIComponent(memberId)}/ledger${qs({ beforeSeq, limit: 20 })}`,
      )
      setItems((list) => (beforeSeq ? [...list, ...res.items] : res.items))
      setNext(res.nextBeforeSeq)
      setState({ loading: false, error: null })
    } catch (error) {
      setState({ loading: false, error })
    }
  }
  useEffect(() => {
    void load()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [memberId])
  return (
    <div data-testid='member-ledger'>
      <DataTable
        columns={LEDGER_COLUMNS}
        rows={items.length === 0 && (state.loading || state.error !== null) ? undefined : items}
        rowKey={(e) => String(e.seq)}
        loading={state.loading}
        error={state.error ?? undefined}
        onRetry={() => load()}
        rowTestId='ledger-row'
        emptyText='暂无积分流水'
        dense
      />
      {next !== null && !state.loading && (
        <div className='pager'>
          <button className='btn btn-small' type='button' data-testid='ledger-more' onClick={() => load(next)}>
            加载更早的记录
          </button>
        </div>
      )}
    </div>
  )
}

/** A paginated tab: its table (DataTable) with the pager, and an optional line above it. */
function PagedTab<T, R extends Paged<T>>({
  path,
  empty,
  testId,
  columns,
  rowKey,
  rowTestId,
  header,
}: {
  path: string
  empty: string
  testId: string
  columns: Column<T>[]
  rowKey: (row: T) => string
  rowTestId: string
  header?: (data: R) => ReactNode
}) {
  const [page, setPage] = useState(1)
  const [state, reload] = useAsync(() => api<R>('GET', `${path}${qs({ page, pageSize: 20 })}`), [path, page])
  const data = state.data
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1
  return (
    <div data-testid={testId}>
      {data && header?.(data)}
      <DataTable
        columns={columns}
        rows={data?.items}
        rowKey={rowKey}
        loading={state.status === 'loading'}
        error={state.error}
        onRetry={reload}
        rowTestId={rowTestId}
        emptyText={empty}
        dense
      />
      {data && data.total > data.pageSize && (
        <Pager page={page} shownPage={data.page} pages={pages} onPage={setPage} total={data.total} />
      )}
    </div>
  )
}

type TabCoupon = MemberCoupon & { state: string }
const COUPON_COLUMNS: Column<TabCoupon>[] = [
  {
    key: 'name',
    title: '券',
    render: (c) => (
      <>
        {c.name}
        <small className='muted block mono'>{c.couponId}</small>
      </>
    ),
  },
  { key: 'headline', title: '内容' },
  {
    key: 'status',
    title: '状态',
    render: (c) => (c.state === 'pending_payment' ? '待支付' : (COUPON_STATUS[c.status] ?? c.status)),
  },
  { key: 'claimedAt', title: '领取时间', className: 'nowrap', render: (c) => formatInstant(c.claimedAt).slice(0, 16) },
  {
    key: 'valid',
    title: '有效期',
    render: (c) => `${formatInstant(c.validFrom).slice(0, 10)} 至 ${formatInstant(c.validTo).slice(0, 10)}`,
  },
  {
    key: 'redeemed',
    title: '核销',
    render: (c) => (c.redeemedAt ? `${formatInstant(c.redeemedAt).slice(0, 16)} · ${c.redeemedStoreId ?? ''}` : '—'),
  },
]

function CouponsTab({ memberId }: { memberId: string }) {
  return (
    <PagedTab<TabCoupon, Paged<TabCoupon>>
      path={`/api/ops/members/${encodeURIComponent(memberId)}/coupons`}
      empty='暂无优惠券'
      testId='member-coupons'
      columns={COUPON_COLUMNS}
      rowKey={(c) => c.couponId}
      rowTestId='coupon-row'
    />
  )
}

const CHECKIN_COLUMNS: Column<CheckinRow>[] = [
  { key: 'day', title: '日期', className: 'nowrap' },
  { key: 'kind', title: '方式', render: (c) => (c.kind === 'makeup' ? '补签' : '签到') },
  { key: 'streak', title: '连续天数', numeric: true },
  { key: 'rewardPoints', title: '奖励积分', numeric: true },
  { key: 'milestone', title: '里程碑', render: (c) => (c.milestoneDay ? `连续 ${c.milestoneDay} 天` : '—') },
  { key: 'at', title: '时间（上海）', className: 'nowrap', render: (c) => formatInstant(c.at) },
]

function CheckinsTab({ memberId }: { memberId: string }) {
  return (
    <PagedTab<CheckinRow, Paged<CheckinRow> & { makeupCards: number }>
      path={`/api/ops/members/${encodeURIComponent(memberId)}/checkins`}
      empty='暂无签到记录'
      testId='member-checkins'
      columns={CHECKIN_COLUMNS}
      rowKey={(c) => c.day}
      rowTestId='checkin-row'
      header={(data) => <p className='hint'>可用补签卡：{data.makeupCards} 张</p>}
    />
  )
}

const REFERRAL_COLUMNS: Column<ReferralRow>[] = [
  {
    key: 'friend',
    title: '好友',
    render: (r) => (
      <>
        <a href={`#/members/${r.inviteeId}`}>{r.nickname ?? r.inviteeId}</a>
        <small className='muted block mono'>{r.inviteeId}</small>
      </>
    ),
  },
  { key: 'status', title: '状态', render: (r) => REFERRAL_STATUS[r.status] ?? r.status },
  { key: 'joinedAt', title: '注册时间', className: 'nowrap', render: (r) => formatInstant(r.joinedAt).slice(0, 16) },
  {
    key: 'qualifiedAt',
    title: '首购时间',
    className: 'nowrap',
    render: (r) => (r.qualifiedAt ? formatInstant(r.qualifiedAt).slice(0, 16) : '—'),
  },
  { key: 'inviterRewardPoints', title: '邀请奖励积分', numeric: true },
]

function ReferralsTab({ memberId }: { memberId: string }) {
  return (
    <PagedTab<ReferralRow, Referrals>
      path={`/api/ops/members/${encodeURIComponent(memberId)}/referrals`}
      empty='尚未邀请好友'
      testId='member-referrals'
      columns={REFERRAL_COLUMNS}
      rowKey={(r) => r.inviteeId}
      rowTestId='referral-row'
      header={(data) => (
        <p className='hint'>
          {data.invitedBy ? (
            <>
              由 <a href={`#/members/${data.invitedBy.inviterId}`}>{data.invitedBy.inviterId}</a> 邀请（
              {REFERRAL_STATUS[data.invitedBy.status] ?? data.invitedBy.status}）·{' '}
            </>
          ) : (
            '自行注册 · '
          )}
          共邀请 {data.totals.invited} 人，已奖励 {data.totals.rewarded} 人
        </p>
      )}
    />
  )
}
