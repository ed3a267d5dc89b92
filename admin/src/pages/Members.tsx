import { useEffect, useState, type FormEvent } from 'react'
import { type MemberRow } from '@mall/shared'
import { api, qs } from '../api'
import { formatInstant } from '../format'
import { Empty, ErrorBox, Loading, Pager, Panel, useAsync } from '../ui'
import { MemberDetailView } from './MemberDetail'
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
