import { useEffect, useState, type ReactNode } from 'react'
import { type MemberCoupon, type WalletEntry } from '@mall/shared'
import { api, qs } from '../api'
import { fenToYuan, formatInstant } from '../format'
import { Empty, ErrorBox, Loading, Pager, useAsync } from '../ui'
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
      {state.error !== null && <ErrorBox error={state.error} onRetry={() => load()} />}
      {items.length === 0 && !state.loading && state.error === null && <Empty text='暂无积分流水' />}
      {items.length > 0 && (
        <div className='table-wrap'>
          <table className='table table-dense'>
            <thead>
              <tr>
                <th>序号</th>
                <th>时间（上海）</th>
                <th>说明</th>
                <th className='num'>积分</th>
                <th className='num'>余额</th>
                <th>门店 / 小票</th>
                <th className='num'>金额</th>
                <th>员工</th>
                <th>规则版本</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.seq} data-testid='ledger-row'>
                  <td className='num'>{e.seq}</td>
                  <td className='nowrap'>{formatInstant(e.createdAt)}</td>
                  <td>{e.title}</td>
                  <td className={`num ${e.delta < 0 ? 'neg' : 'pos'}`}>{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                  <td className='num'>{e.balanceAfter}</td>
                  <td>
                    {e.storeName ?? e.storeId ?? '—'}
                    {e.receiptNo && <small className='muted block mono'>{e.receiptNo}</small>}
                  </td>
                  <td className='num'>{e.amountFen !== null ? `¥${fenToYuan(e.amountFen)}` : '—'}</td>
                  <td>{e.staffId ?? '—'}</td>
                  <td>{e.rulesVersion ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state.loading && <Loading />}
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

/** A paginated tab table: page state, loading/error/empty states and the pager. */
function PagedTab<T, R extends Paged<T>>({
  path,
  empty,
  children,
  testId,
}: {
  path: string
  empty: string
  testId: string
  children: (data: R) => ReactNode
}) {
  const [page, setPage] = useState(1)
  const [state, reload] = useAsync(() => api<R>('GET', `${path}${qs({ page, pageSize: 20 })}`), [path, page])
  const data = state.data
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1
  return (
    <div data-testid={testId}>
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !data && <Loading />}
      {data && children(data)}
      {data && data.items.length === 0 && <Empty text={empty} />}
      {data && data.total > data.pageSize && (
        <Pager page={page} shownPage={data.page} pages={pages} onPage={setPage} total={data.total} />
      )}
    </div>
  )
}

function CouponsTab({ memberId }: { memberId: string }) {
  return (
    <PagedTab<MemberCoupon & { state: string }, Paged<MemberCoupon & { state: string }>>
      path={`/api/ops/members/${encodeURIComponent(memberId)}/coupons`}
      empty='暂无优惠券'
      testId='member-coupons'
    >
      {(data) =>
        data.items.length > 0 && (
          <div className='table-wrap'>
            <table className='table table-dense'>
              <thead>
                <tr>
                  <th>券</th>
                  <th>内容</th>
                  <th>状态</th>
                  <th>领取时间</th>
                  <th>有效期</th>
                  <th>核销</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((c) => (
                  <tr key={c.couponId} data-testid='coupon-row'>
                    <td>
                      {c.name}
                      <small className='muted block mono'>{c.couponId}</small>
                    </td>
                    <td>{c.headline}</td>
                    <td>{c.state === 'pending_payment' ? '待支付' : (COUPON_STATUS[c.status] ?? c.status)}</td>
                    <td className='nowrap'>{formatInstant(c.claimedAt).slice(0, 16)}</td>
                    <td className='nowrap'>
                      {formatInstant(c.validFrom).slice(0, 10)} 至 {formatInstant(c.validTo).slice(0, 10)}
                    </td>
                    <td>
                      {c.redeemedAt ? `${formatInstant(c.redeemedAt).slice(0, 16)} · ${c.redeemedStoreId ?? ''}` : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </PagedTab>
  )
}

function CheckinsTab({ memberId }: { memberId: string }) {
  return (
    <PagedTab<CheckinRow, Paged<CheckinRow> & { makeupCards: number }>
      path={`/api/ops/members/${encodeURIComponent(memberId)}/checkins`}
      empty='暂无签到记录'
      testId='member-checkins'
    >
      {(data) => (
        <>
          <p className='hint'>可用补签卡：{data.makeupCards} 张</p>
          {data.items.length > 0 && (
            <div className='table-wrap'>
              <table className='table table-dense'>
                <thead>
                  <tr>
                    <th>日期</th>
                    <th>方式</th>
                    <th className='num'>连续天数</th>
                    <th className='num'>奖励积分</th>
                    <th>里程碑</th>
                    <th>时间（上海）</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c) => (
                    <tr key={c.day} data-testid='checkin-row'>
                      <td>{c.day}</td>
                      <td>{c.kind === 'makeup' ? '补签' : '签到'}</td>
                      <td className='num'>{c.streak}</td>
                      <td className='num'>{c.rewardPoints}</td>
                      <td>{c.milestoneDay ? `连续 ${c.milestoneDay} 天` : '—'}</td>
                      <td className='nowrap'>{formatInstant(c.at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </PagedTab>
  )
}

function ReferralsTab({ memberId }: { memberId: string }) {
  return (
    <PagedTab<ReferralRow, Referrals>
      path={`/api/ops/members/${encodeURIComponent(memberId)}/referrals`}
      empty='尚未邀请好友'
      testId='member-referrals'
    >
      {(data) => (
        <>
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
          {data.items.length > 0 && (
            <div className='table-wrap'>
              <table className='table table-dense'>
                <thead>
                  <tr>
                    <th>好友</th>
                    <th>状态</th>
                    <th>注册时间</th>
                    <th>首购时间</th>
                    <th className='num'>邀请奖励积分</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((r) => (
                    <tr key={r.inviteeId} data-testid='referral-row'>
                      <td>
                        <a href={`#/members/${r.inviteeId}`}>{r.nickname ?? r.inviteeId}</a>
                        <small className='muted block mono'>{r.inviteeId}</small>
                      </td>
                      <td>{REFERRAL_STATUS[r.status] ?? r.status}</td>
                      <td className='nowrap'>{formatInstant(r.joinedAt).slice(0, 16)}</td>
                      <td className='nowrap'>{r.qualifiedAt ? formatInstant(r.qualifiedAt).slice(0, 16) : '—'}</td>
                      <td className='num'>{r.inviterRewardPoints}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </PagedTab>
  )
}
