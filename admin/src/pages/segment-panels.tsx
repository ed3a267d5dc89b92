import { useEffect, useState, type ReactNode } from 'react'
import type { SegmentDefinition, SegmentPreview, SegmentVersionView, SegmentView } from '@mall/shared'
import { api } from '../api'
import { formatInstant } from '../format'
import { JsonDiff } from '../components/JsonDiff'
import { DataTable, type Column } from '../components/DataTable'
import { ErrorBox, Loading, Panel, type AsyncState } from '../ui'
import { LifecycleTag } from './member-common'
import { StaffName } from '../staff-names'

const ACTIONS: Record<string, string> = { create: '新建', update: '修改', delete: '删除' }

const SEGMENT_COLUMNS: Column<SegmentView>[] = [
  {
    key: 'name',
    title: '名称',
    render: (s) => (
      <>
        {s.name}
        {s.description && <small className='muted block'>{s.description}</small>}
      </>
    ),
  },
  { key: 'summary', title: '条件' },
  {
    key: 'count',
    title: '当前人数',
    numeric: true,
    render: (s) => <span data-testid='segment-count'>{s.count?.toLocaleString('zh-CN') ?? '—'}</span>,
  },
  { key: 'version', title: '版本' },
  {
    key: 'updated',
    title: '最后修改',
    render: (s) => (
      <>
        <StaffName id={s.updatedBy} />
        <small className='muted block'>{formatInstant(s.updatedAt).slice(0, 16)}</small>
      </>
    ),
  },
]

const versionKey = (v: SegmentVersionView) => `${v.segmentId}:${v.version}`
const historyColumns = (
  openKey: string | null,
  setOpenKey: (k: string | null) => void,
): Column<SegmentVersionView>[] => [
  {
    key: 'segment',
    title: '分群',
    render: (v) => <>{(v.after ?? v.before)?.name}</>,
  },
  { key: 'version', title: '版本', numeric: true },
  { key: 'action', title: '操作', render: (v) => ACTIONS[v.action] ?? v.action },
  { key: 'changedBy', title: '修改人', render: (v) => <StaffName id={v.changedBy} /> },
  { key: 'changedAt', title: '时间（上海）', className: 'nowrap', render: (v) => formatInstant(v.changedAt) },
  { key: 'note', title: '说明' },
  {
    key: 'diff',
    title: '',
    render: (v) => (
      <button
        className='btn btn-small'
        type='button'
        onClick={() => setOpenKey(openKey === versionKey(v) ? null : versionKey(v))}
      >
        {openKey === versionKey(v) ? '收起' : '查看差异'}
      </button>
    ),
  },
]

const SAMPLE_COLUMNS: Column<SegmentPreview['sample'][number]>[] = [
  {
    key: 'memberId',
    title: '会员号',
    className: 'mono',
    render: (m) => <a href={`#/members/${m.memberId}`}>{m.memberId}</a>,
  },
  { key: 'nickname', title: '昵称' },
  { key: 'phoneMasked', title: '手机' },
  { key: 'lifecycle', title: '生命周期', render: (m) => <LifecycleTag stage={m.lifecycle} /> },
  { key: 'rfm', title: 'RFM', className: 'mono' },
  { key: 'churnRisk', title: '流失风险', render: (m) => (m.churnRisk ? '有' : '—') },
  { key: 'tags', title: '标签', render: (m) => m.tags.join('、') || '—' },
]

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
      <DataTable
        columns={SEGMENT_COLUMNS}
        rows={list.data?.items}
        rowKey={(s) => s.id}
        loading={list.status === 'loading'}
        error={list.error}
        onRetry={reload}
        rowTestId='segment-row'
        selected={(s) => s.id === editingId}
        emptyText='还没有分群'
        actions={(s) => (
          <>
            <button className='btn btn-small' type='button' data-testid='segment-edit' onClick={() => onEdit(s)}>
              编辑
            </button>
            <button className='btn btn-small' type='button' data-testid='segment-export' onClick={() => onExport(s)}>
              导出会员
            </button>
            <button className='btn btn-small' type='button' data-testid='segment-delete' onClick={() => onDelete(s)}>
              删除
            </button>
          </>
        )}
      />
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
      <DataTable
        columns={historyColumns(openKey, setOpenKey)}
        rows={history.data?.items}
        rowKey={versionKey}
        loading={history.status === 'loading'}
        error={history.error}
        onRetry={reload}
        rowTestId='segment-history-row'
        emptyText='暂无修改记录'
        dense
        expand={(v) => (openKey === versionKey(v) ? <JsonDiff before={v.before} after={v.after} /> : null)}
      />
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
          <DataTable
            columns={SAMPLE_COLUMNS}
            rows={rows}
            rowKey={(m) => m.memberId}
            testId='segment-preview-sample'
            dense
          />
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
