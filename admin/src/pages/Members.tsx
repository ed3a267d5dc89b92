import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import {
  DEFAULT_TIERS,
  LIFECYCLE_LABELS,
  memberTag,
  type LifecycleStage,
  type MemberCoupon,
  type MemberDetail,
  type MemberRow,
  type TierDefinition,
  type WalletEntry,
} from '@mall/shared'
import { api, errorText, qs } from '../api'
import { fenToYuan, formatInstant } from '../format'
import { Empty, ErrorBox, Loading, Pager, Panel, useAsync } from '../ui'
import { MemberFeedbackTab } from './MemberFeedbackTab'

/**
 * 会员: search (member number, phone suffix, nickname) with a paginated table, and the member
 * detail at #/members/<id>: profile cards (RFM, 生命周期, 流失风险, 标签) and tabs for the ledger,
 * coupons, check-ins and referrals. Phone numbers arrive masked from the server.
 */

interface Paged<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
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
const CHANNELS: Record<string, string> = { wechat: '微信', dev: '体验登录', invite: '好友邀请', load: '批量导入' }

export function LifecycleTag({ stage }: { stage: LifecycleStage }) {
  return <span className={`tag lifecycle-${stage}`}>{LIFECYCLE_LABELS[stage]}</span>
}

function parseHash(): { memberId: string | null; params: URLSearchParams } {
  const raw = window.location.hash.replace(/^#\/?/, '')
  const [path = '', query = ''] = raw.split('?')
  const parts = path.split('/')
  return {
    memberId: parts[0] === 'members' && parts[1] ? decodeURIComponent(parts[1]) : null,
    params: new URLSearchParams(query),
  }
}

function useMembersHash() {
  const [state, setState] = useState(parseHash)
  useEffect(() => {
    const on = () => setState(parseHash())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return state
}

function useTiers(): TierDefinition[] {
  const [rules] = useAsync(() => api<{ tiers: TierDefinition[] }>('GET', '/api/ops/rules'), [])
  return rules.data?.tiers ?? DEFAULT_TIERS
}
const tierName = (tiers: TierDefinition[], level: number) =>
  tiers.find((t) => t.level === level)?.name ?? `等级 ${level}`

export function MembersPage() {
  const { memberId, params } = useMembersHash()
  return memberId ? (
    <MemberDetailView key={memberId} memberId={memberId} />
  ) : (
    <MemberList q={params.get('q') ?? ''} page={Number(params.get('page')) || 1} />
  )
}

function MemberList({ q, page }: { q: string; page: number }) {
  const [draft, setDraft] = useState(q)
  const [pageSize, setPageSize] = useState(20)
  const tiers = useTiers()
  const [state, reload] = useAsync(
    () => api<Paged<MemberRow>>('GET', `/api/ops/members${qs({ q, page, pageSize })}`),
    [q, page, pageSize],
  )
  useEffect(() => setDraft(q), [q])

  const go = (nextQ: string, nextPage: number) => {
    window.location.hash = `#/members${qs({ q: nextQ, page: nextPage > 1 ? nextPage : undefined })}`
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (draft.trim() === q && page === 1) reload()
    else go(draft.trim(), 1)
  }
  const data = state.data
  const pages = data ? Math.min(1000, Math.max(1, Math.ceil(data.total / data.pageSize))) : 1

  return (
    <div className='page'>
      <form className='toolbar' onSubmit={submit}>
        <label className='field-inline grow'>
          <span>搜索</span>
          <input
            data-testid='members-q'
            value={draft}
            maxLength={40}
            placeholder='会员号、手机号后4位及以上，或昵称'
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <button className='btn btn-primary' type='submit' data-testid='members-submit'>
          查询
        </button>
        {q && (
          <button className='btn' type='button' onClick={() => go('', 1)}>
            清除
          </button>
        )}
      </form>
      <Panel title={data ? `共 ${data.total.toLocaleString('zh-CN')} 位会员` : '会员'}>
        {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
        {state.status === 'loading' && !data && <Loading />}
        {data && data.items.length === 0 && state.status === 'ok' && (
          <Empty text={q ? '没有符合条件的会员' : '暂无会员'} />
        )}
        {data && data.items.length > 0 && (
          <div className={`table-wrap${state.status === 'loading' ? ' stale' : ''}`}>
            <table className='table table-dense'>
              <thead>
                <tr>
                  <th>会员号</th>
                  <th>昵称</th>
                  <th>手机</th>
                  <th>等级</th>
                  <th>生命周期</th>
                  <th>RFM</th>
                  <th>流失风险</th>
                  <th>标签</th>
                  <th>入会时间</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((m) => (
                  <tr
                    key={m.memberId}
                    className='clickable'
                    data-testid='member-row'
                    data-member-id={m.memberId}
                    onClick={() => (window.location.hash = `#/members/${encodeURIComponent(m.memberId)}`)}
                  >
                    <td className='mono'>
                      <a href={`#/members/${encodeURIComponent(m.memberId)}`}>{m.memberId}</a>
                    </td>
                    <td>{m.nickname}</td>
                    <td className='nowrap'>{m.phoneMasked ?? <span className='muted'>未绑定</span>}</td>
                    <td>{tierName(tiers, m.tierLevel)}</td>
                    <td>
                      <LifecycleTag stage={m.lifecycle} />
                    </td>
                    <td className='mono'>{m.rfm}</td>
                    <td>
                      {m.churnRisk ? <span className='tag paused'>有风险</span> : <span className='muted'>—</span>}
                    </td>
                    <td>
                      {m.tags.length ? (
                        m.tags.map((t) => (
                          <span className='tag chip' key={t}>
                            {t}
                          </span>
                        ))
                      ) : (
                        <span className='muted'>—</span>
                      )}
                    </td>
                    <td className='nowrap'>{formatInstant(m.joinedAt).slice(0, 16)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data && (
          <Pager
            page={page}
            shownPage={data.page}
            pages={pages}
            busy={state.status === 'loading'}
            onPage={(p) => go(q, p)}
            testIdPrefix='members'
            pageSize={pageSize}
            onPageSize={(n) => {
              setPageSize(n)
              go(q, 1)
            }}
          />
        )}
      </Panel>
    </div>
  )
}

type TabKey = 'ledger' | 'coupons' | 'checkins' | 'referrals' | 'feedback'
const TABS: { key: TabKey; label: string; Tab: (p: { memberId: string }) => ReactNode }[] = [
  { key: 'ledger', label: '积分流水', Tab: LedgerTab },
  { key: 'coupons', label: '优惠券', Tab: CouponsTab },
  { key: 'checkins', label: '签到', Tab: CheckinsTab },
  { key: 'referrals', label: '邀请', Tab: ReferralsTab },
  { key: 'feedback', label: '反馈', Tab: MemberFeedbackTab },
]

function MemberDetailView({ memberId }: { memberId: string }) {
  const [state, reload] = useAsync(
    () => api<MemberDetail>('GET', `/api/ops/members/${encodeURIComponent(memberId)}`),
    [memberId],
  )
  const [tab, setTab] = useState<TabKey>('ledger')
  const m = state.data
  const Active = TABS.find((t) => t.key === tab)!.Tab
  return (
    <div className='page' data-testid='member-detail'>
      <div className='toolbar'>
        <a className='btn btn-small' href='#/members' data-testid='member-back'>
          ← 返回会员列表
        </a>
      </div>
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {!m && state.status === 'loading' && <Loading />}
      {m && (
        <>
          <Panel
            title={
              <span>
                {m.nickname} <small className='muted mono'>{m.memberId}</small>
              </span>
            }
            testId='member-profile'
          >
            <div className='profile-grid'>
              <Info label='等级'>
                {m.tier.name}（{m.tier.level}）
              </Info>
              <Info label='积分余额'>
                <span data-testid='member-balance'>{m.wallet.balance.toLocaleString('zh-CN')}</span>
                {m.wallet.debt > 0 && <small className='field-error'> 欠 {m.wallet.debt}</small>}
              </Info>
              <Info label='手机'>{m.phoneMasked ?? '未绑定'}</Info>
              <Info label='入会时间'>{formatInstant(m.joinedAt).slice(0, 16)}</Info>
              <Info label='来源'>
                {CHANNELS[m.channel] ?? m.channel}
                {m.inviterId && (
                  <>
                    {' '}
                    · 邀请人 <a href={`#/members/${m.inviterId}`}>{m.inviterId}</a>
                  </>
                )}
              </Info>
              <Info label='累计消费'>
                ¥{fenToYuan(m.lifetimeSpendFen)}（{m.insight.purchasesTotal} 笔）
              </Info>
              <Info label='累计获得 / 使用 / 过期积分'>
                {m.wallet.lifetimeEarned} / {m.wallet.lifetimeSpent} / {m.wallet.lifetimeExpired}
              </Info>
              <Info label='生日月份'>{m.birthdayMonth ? `${m.birthdayMonth} 月` : '未填写'}</Info>
            </div>
          </Panel>
          <div className='insight-grid'>
            <InsightCard title='RFM 评分' testId='card-rfm' definition={m.definitions.rfm}>
              <div className='rfm-scores'>
                <Score
                  letter='R'
                  value={m.insight.rfm.r}
                  detail={m.insight.rfm.recencyDays === null ? '从未消费' : `${m.insight.rfm.recencyDays} 天前消费`}
                />
                <Score letter='F' value={m.insight.rfm.f} detail={`近一年 ${m.insight.rfm.frequency} 次`} />
                <Score letter='M' value={m.insight.rfm.m} detail={`近一年 ¥${fenToYuan(m.insight.rfm.monetaryFen)}`} />
              </div>
            </InsightCard>
            <InsightCard
              title='生命周期'
              testId='card-lifecycle'
              definition={m.definitions.lifecycle[m.insight.lifecycle]}
            >
              <div className='big-tag'>
                <LifecycleTag stage={m.insight.lifecycle} />
              </div>
              <small className='muted'>
                {m.insight.lastPurchaseAt
                  ? `最近消费 ${formatInstant(m.insight.lastPurchaseAt).slice(0, 10)}`
                  : '尚无消费'}
                {m.insight.firstPurchaseAt && ` · 首次消费 ${formatInstant(m.insight.firstPurchaseAt).slice(0, 10)}`}
              </small>
            </InsightCard>
            <InsightCard title='流失风险' testId='card-churn' definition={m.definitions.churn}>
              <div className='big-tag'>
                {m.insight.churn.atRisk ? (
                  <span className='tag paused'>有流失风险</span>
                ) : (
                  <span className='tag active'>正常</span>
                )}
              </div>
              <small className='muted'>
                {m.insight.churn.basis === 'none'
                  ? '从未消费，不判断'
                  : `距上次消费 ${m.insight.churn.daysSinceLastPurchase} 天，阈值 ${m.insight.churn.thresholdDays} 天（${m.insight.churn.basis === 'personal' ? `本人中位间隔 ${m.insight.churn.medianIntervalDays} 天` : '统一阈值'}）`}
              </small>
            </InsightCard>
            <TagsCard memberId={m.memberId} tags={m.tags} onChange={reload} />
          </div>
          <Panel title='明细'>
            <div className='tabs' role='tablist'>
              {TABS.map((t) => (
                <button
                  key={t.key}
                  type='button'
                  role='tab'
                  aria-selected={tab === t.key}
                  data-testid={`member-tab-${t.key}`}
                  className={tab === t.key ? 'tab active' : 'tab'}
                  onClick={() => setTab(t.key)}
                >
                  {t.label}
                </button>
              ))}
            </div>
            <Active memberId={m.memberId} />
          </Panel>
        </>
      )}
    </div>
  )
}

function Info({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className='info'>
      <span className='muted'>{label}</span>
      <div>{children}</div>
    </div>
  )
}

function InsightCard({
  title,
  definition,
  testId,
  children,
}: {
  title: string
  definition: string
  testId: string
  children: ReactNode
}) {
  return (
    <section className='metric-card insight-card' data-testid={testId}>
      <div className='metric-label'>{title}</div>
      <div className='insight-body'>{children}</div>
      <p className='definition'>口径：{definition}</p>
    </section>
  )
}

function Score({ letter, value, detail }: { letter: string; value: number; detail: string }) {
  return (
    <div className='score' data-testid={`rfm-${letter.toLowerCase()}`}>
      <div className='score-value'>
        {letter}
        {value}
      </div>
      <small className='muted'>{detail}</small>
    </div>
  )
}

function TagsCard({ memberId, tags, onChange }: { memberId: string; tags: string[]; onChange: () => void }) {
  const [draft, setDraft] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const send = async (body: { add?: string[]; remove?: string[] }) => {
    setBusy(true)
    setError(null)
    try {
      await api('POST', `/api/ops/members/${encodeURIComponent(memberId)}/tags`, body)
      setDraft('')
      onChange()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const add = (e: FormEvent) => {
    e.preventDefault()
    const parsed = memberTag.safeParse(draft)
    if (!parsed.success) return setError('标签为 1–20 个字：中文、字母、数字、空格、_ - ·')
    if (tags.includes(parsed.data)) return setError('已有该标签')
    void send({ add: [parsed.data] })
  }
  return (
    <section className='metric-card insight-card' data-testid='card-tags'>
      <div className='metric-label'>标签</div>
      <div className='insight-body chips'>
        {tags.length === 0 && <span className='muted'>暂无标签</span>}
        {tags.map((t) => (
          <span className='tag chip' key={t} data-testid='member-tag'>
            {t}
            <button
              type='button'
              className='chip-x'
              aria-label={`删除标签 ${t}`}
              disabled={busy}
              onClick={() => send({ remove: [t] })}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <form className='inline-row' onSubmit={add}>
        <input
          data-testid='member-tag-input'
          value={draft}
          maxLength={20}
          placeholder='新标签，如 亲子'
          onChange={(e) => setDraft(e.target.value)}
        />
        <button className='btn btn-small' type='submit' data-testid='member-tag-add' disabled={busy || !draft.trim()}>
          添加
        </button>
      </form>
      {error && <div className='form-error'>{error}</div>}
      <p className='definition'>运营手动添加的标签，可用于人群分群（标签含任一）。</p>
    </section>
  )
}

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
