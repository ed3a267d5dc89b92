import { Fragment, useEffect, useState, type ReactNode } from 'react'
import type { SegmentDefinition, SegmentPreview, SegmentVersionView, SegmentView } from '@mall/shared'
import { api } from '../api'
import { formatInstant } from '../format'
import { JsonDiff } from '../components/JsonDiff'
import { Empty, ErrorBox, Loading, Panel, type AsyncState } from '../ui'
import { LifecycleTag } from './member-common'

const ACTIONS: Record<string, string> = { create: '新建', update: '修改', delete: '删除' }

/** The saved segments with their live counts, and what an operator does with one. */
export function SegmentListPanel({
  list,
  reload,
  editingId,
  onEdit,
  onExport,
  onDelete,
}: {
  list: AsyncState<{ items: SegmentView[] }>
  reload: () => void
  editingId: string | null
  onEdit: (segment: SegmentView) => void
  onExport: (segment: SegmentView) => void
  onDelete: (segment: SegmentView) => void
}) {
  return (
    <Panel
      title='已保存的分群'
      extra={
        <button className='btn btn-small' type='button' onClick={reload}>
          刷新人数
        </button>
      }
    >
      {list.status === 'error' && <ErrorBox error={list.error} onRetry={reload} />}
      {!list.data && list.status === 'loading' && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty text='还没有分群' />}
      {list.data && list.data.items.length > 0 && (
        <div className={`table-wrap${list.status === 'loading' ? ' stale' : ''}`}>
          <table className='table'>
            <thead>
              <tr>
                <th>名称</th>
                <th>条件</th>
                <th className='num'>当前人数</th>
                <th>版本</th>
                <th>最后修改</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.id} data-testid='segment-row' className={editingId === s.id ? 'selected' : undefined}>
                  <td>
                    {s.name}
                    {s.description && <small className='muted block'>{s.description}</small>}
                    <small className='muted block mono'>{s.id}</small>
                  </td>
                  <td>{s.summary}</td>
                  <td className='num' data-testid='segment-count'>
                    {s.count?.toLocaleString('zh-CN') ?? '—'}
                  </td>
                  <td>{s.version}</td>
                  <td className='nowrap'>
                    {s.updatedBy}
                    <small className='muted block'>{formatInstant(s.updatedAt).slice(0, 16)}</small>
                  </td>
                  <td className='nowrap'>
                    <button
                      className='btn btn-small'
                      type='button'
                      data-testid='segment-edit'
                      onClick={() => onEdit(s)}
                    >
                      编辑
                    </button>{' '}
                    <button
                      className='btn btn-small'
                      type='button'
                      data-testid='segment-export'
                      onClick={() => onExport(s)}
                    >
                      导出会员号
                    </button>{' '}
                    <button
                      className='btn btn-small'
                      type='button'
                      data-testid='segment-delete'
                      onClick={() => onDelete(s)}
                    >
                      删除
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  )
}

/** Every version of every segment, newest first, each with its before/after difference. */
export function SegmentHistoryPanel({
  history,
  reload,
}: {
  history: AsyncState<{ items: SegmentVersionView[] }>
  reload: () => void
}) {
  const [openKey, setOpenKey] = useState<string | null>(null)
  return (
    <Panel title='修改历史'>
      {history.status === 'error' && <ErrorBox error={history.error} onRetry={reload} />}
      {!history.data && history.status === 'loading' && <Loading />}
      {history.data && history.data.items.length === 0 && <Empty text='暂无修改记录' />}
      {history.data && history.data.items.length > 0 && (
        <div className='table-wrap'>
          <table className='table table-dense'>
            <thead>
              <tr>
                <th>分群</th>
                <th>版本</th>
                <th>操作</th>
                <th>修改人</th>
                <th>时间（上海）</th>
                <th>说明</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((v) => {
                const key = `${v.segmentId}:${v.version}`
                return (
                  <Fragment key={key}>
                    <tr data-testid='segment-history-row'>
                      <td>
                        {(v.after ?? v.before)?.name}
                        <small className='muted block mono'>{v.segmentId}</small>
                      </td>
                      <td className='num'>{v.version}</td>
                      <td>{ACTIONS[v.action] ?? v.action}</td>
                      <td>{v.changedBy}</td>
                      <td className='nowrap'>{formatInstant(v.changedAt)}</td>
                      <td>{v.note || <span className='muted'>—</span>}</td>
                      <td>
                        <button
                          className='btn btn-small'
                          type='button'
                          onClick={() => setOpenKey(openKey === key ? null : key)}
                        >
                          {openKey === key ? '收起' : '查看差异'}
                        </button>
                      </td>
                    </tr>
                    {openKey === key && (
                      <tr className='diff-cell'>
                        <td colSpan={7}>
                          <JsonDiff before={v.before} after={v.after} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  )
}

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; data?: SegmentPreview }
  | { status: 'ok'; data: SegmentPreview }
  | { status: 'error'; error: unknown }

/** Counts the members a valid definition matches, 400 ms after the last edit; stale answers are dropped. */
export function useLivePreview(definition: SegmentDefinition | null): PreviewState {
  const [state, setState] = useState<PreviewState>({ status: 'idle' })
  const key = definition ? JSON.stringify(definition) : null
  useEffect(() => {
    if (key === null) return setState({ status: 'idle' })
    let live = true
    setState((s) => ({ status: 'loading', data: s.status === 'ok' || s.status === 'loading' ? s.data : undefined }))
    const timer = setTimeout(() => {
      api<SegmentPreview>('POST', '/api/ops/segments/preview', { definition: JSON.parse(key) })
        .then((data) => live && setState({ status: 'ok', data }))
        .catch((error: unknown) => live && setState({ status: 'error', error }))
    }, 400)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [key])
  return state
}

export function PreviewBox({ preview }: { preview: PreviewState }) {
  const [showAll, setShowAll] = useState(false)
  if (preview.status === 'idle') return null
  if (preview.status === 'error') return <ErrorBox error={preview.error} />
  const data = preview.data
  let body: ReactNode = <Loading text='正在计算人数…' />
  if (data) {
    const rows = showAll ? data.sample : data.sample.slice(0, 10)
    body = (
      <>
        <p className='preview-count'>
          当前符合条件：<strong data-testid='segment-preview-count'>{data.count.toLocaleString('zh-CN')}</strong> 人
          <span className='muted'>
            （共 {data.population.toLocaleString('zh-CN')} 位会员，截至 {formatInstant(data.asOf).slice(0, 16)}
            {data.dataAgeSeconds > 0 ? `，数据为 ${data.dataAgeSeconds} 秒前读取` : ''}）
          </span>
        </p>
        {rows.length > 0 && (
          <div className='table-wrap'>
            <table className='table table-dense' data-testid='segment-preview-sample'>
              <thead>
                <tr>
                  <th>会员号</th>
                  <th>昵称</th>
                  <th>手机</th>
                  <th>生命周期</th>
                  <th>RFM</th>
                  <th>流失风险</th>
                  <th>标签</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr key={m.memberId}>
                    <td className='mono'>
                      <a href={`#/members/${m.memberId}`}>{m.memberId}</a>
                    </td>
                    <td>{m.nickname}</td>
                    <td>{m.phoneMasked ?? '—'}</td>
                    <td>
                      <LifecycleTag stage={m.lifecycle} />
                    </td>
                    <td className='mono'>{m.rfm}</td>
                    <td>{m.churnRisk ? '有' : '—'}</td>
                    <td>{m.tags.join('、') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data.sample.length > 10 && (
          <button className='btn btn-small' type='button' onClick={() => setShowAll(!showAll)}>
            {showAll ? '只看前 10 位' : `展开前 ${data.sample.length} 位`}
          </button>
        )}
      </>
    )
  }
  return (
    <div className={`preview-box${preview.status === 'loading' ? ' stale' : ''}`} data-testid='segment-preview'>
      {body}
    </div>
  )
}
