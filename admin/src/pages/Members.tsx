import { useEffect, useState, type FormEvent } from 'react'
import { ACCOUNT_DELETION_STATE_LABELS, type MemberRow, type TierDefinition } from '@mall/shared'
import { api, qs } from '../api'
import { formatInstant } from '../format'
import { DataTable, type Column } from '../components/DataTable'
import { Pager, Panel, useAsync } from '../ui'
import { MemberDetailView } from './MemberDetail'
import { MemberRequestsPanel } from './member-requests'
import { LifecycleTag, tierName, useTiers, type Paged } from './member-common'

/**
 * 会员: search (member number, phone suffix, nickname) with a paginated table, and the member
 * detail at #/members/<id>: profile cards (RFM, 生命周期, 流失风险, 标签) and tabs for the ledger,
 * coupons, check-ins and referrals. Phone numbers arrive masked from the server.
 */

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

const memberColumns = (tiers: TierDefinition[]): Column<MemberRow>[] => [
  {
    key: 'memberId',
    title: '会员号',
    className: 'mono',
    render: (m) => <a href={`#/members/${encodeURIComponent(m.memberId)}`}>{m.memberId}</a>,
  },
  {
    key: 'nickname',
    title: '昵称',
    render: (m) => (
      <>
        {m.nickname}{' '}
        {m.deletion && (
          <span className={`tag paused deletion-${m.deletion}`} data-testid='member-row-deletion'>
            {ACCOUNT_DELETION_STATE_LABELS[m.deletion]}
          </span>
        )}
      </>
    ),
  },
  {
    key: 'phone',
    title: '手机',
    className: 'nowrap',
    render: (m) => m.phoneMasked ?? <span className='muted'>未绑定</span>,
  },
  { key: 'tier', title: '等级', render: (m) => tierName(tiers, m.tierLevel) },
  { key: 'lifecycle', title: '生命周期', render: (m) => <LifecycleTag stage={m.lifecycle} /> },
  { key: 'rfm', title: 'RFM', className: 'mono' },
  {
    key: 'churn',
    title: '流失风险',
    render: (m) => (m.churnRisk ? <span className='tag paused'>有风险</span> : <span className='muted'>—</span>),
  },
  {
    key: 'tags',
    title: '标签',
    render: (m) =>
      m.tags.length ? (
        m.tags.map((t) => (
          <span className='tag chip' key={t}>
            {t}
          </span>
        ))
      ) : (
        <span className='muted'>—</span>
      ),
  },
  { key: 'joinedAt', title: '入会时间', className: 'nowrap', render: (m) => formatInstant(m.joinedAt).slice(0, 16) },
]

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
      <MemberRequestsPanel title='待审批的积分调整' pendingOnly testId='pending-requests' />
      <Panel title={data ? `共 ${data.total.toLocaleString('zh-CN')} 位会员` : '会员'}>
        <DataTable
          columns={memberColumns(tiers)}
          rows={data?.items}
          rowKey={(m) => m.memberId}
          loading={state.status === 'loading'}
          error={state.error}
          onRetry={reload}
          rowTestId='member-row'
          rowProps={(m) => ({ 'data-member-id': m.memberId })}
          onRowClick={(m) => (window.location.hash = `#/members/${encodeURIComponent(m.memberId)}`)}
          emptyText={q ? '没有符合条件的会员' : '暂无会员'}
          dense
        />
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
