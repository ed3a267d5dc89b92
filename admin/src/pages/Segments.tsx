import { Fragment, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react'
import {
  DEFAULT_TIERS,
  describeSegment,
  LIFECYCLE_LABELS,
  LIFECYCLE_STAGES,
  segmentDefinition,
  type LifecycleStage,
  type SegmentDefinition,
  type SegmentPreview,
  type SegmentVersionView,
  type SegmentView,
  type TierDefinition,
} from '@mall/shared'
import { api, ApiError, errorText } from '../api'
import { downloadCsv, toCsv } from '../csv'
import { formatInstant } from '../format'
import { JsonDiff } from '../components/JsonDiff'
import { CheckGroup, Empty, ErrorBox, Loading, Panel, useAsync } from '../ui'
import { LifecycleTag } from './member-common'

/**
 * 人群分群: saved member filters (the shared zod contract validates the form before anything is
 * sent), a live count while editing, member-id export for campaigns, and the change history.
 */

type Letter = 'r' | 'f' | 'm'
interface Form {
  name: string
  description: string
  note: string
  tierLevels: number[]
  lifecycles: LifecycleStage[]
  churn: '' | 'yes' | 'no'
  rfm: Record<Letter, { min: string; max: string }>
  tags: string
  joinedWithinDays: string
  lastPurchaseWithinDays: string
  notPurchasedForDays: string
  birthdayThisMonth: boolean
}

const emptyForm = (): Form => ({
  name: '',
  description: '',
  note: '',
  tierLevels: [],
  lifecycles: [],
  churn: '',
  rfm: { r: { min: '', max: '' }, f: { min: '', max: '' }, m: { min: '', max: '' } },
  tags: '',
  joinedWithinDays: '',
  lastPurchaseWithinDays: '',
  notPurchasedForDays: '',
  birthdayThisMonth: false,
})

const FIELD_LABELS: Record<string, string> = {
  tierLevels: '会员等级',
  lifecycles: '生命周期',
  churnRisk: '流失风险',
  rfm: 'RFM',
  tagsAny: '标签',
  joinedWithinDays: '入会天数',
  lastPurchaseWithinDays: '最近消费',
  notPurchasedForDays: '未消费天数',
  birthdayThisMonth: '本月生日',
}
const RFM_LABELS: Record<Letter, string> = { r: 'R 最近消费', f: 'F 消费频次', m: 'M 消费金额' }
const ACTIONS: Record<string, string> = { create: '新建', update: '修改', delete: '删除' }

const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim()))

/** The form as a definition (unset fields left out), before validation. */
export function toDefinition(f: Form): unknown {
  const d: Record<string, unknown> = {}
  if (f.tierLevels.length) d.tierLevels = [...f.tierLevels].sort((a, b) => a - b)
  if (f.lifecycles.length) d.lifecycles = LIFECYCLE_STAGES.filter((s) => f.lifecycles.includes(s))
  if (f.churn) d.churnRisk = f.churn === 'yes'
  const rfm: Record<string, unknown> = {}
  for (const k of ['r', 'f', 'm'] as const) {
    const r = {
      ...(num(f.rfm[k].min) !== undefined ? { min: num(f.rfm[k].min) } : {}),
      ...(num(f.rfm[k].max) !== undefined ? { max: num(f.rfm[k].max) } : {}),
    }
    if (Object.keys(r).length) rfm[k] = r
  }
  if (Object.keys(rfm).length) d.rfm = rfm
  const tags = f.tags
    .split(/[,，、]/)
    .map((t) => t.trim())
    .filter(Boolean)
  if (tags.length) d.tagsAny = [...new Set(tags)]
  for (const k of ['joinedWithinDays', 'lastPurchaseWithinDays', 'notPurchasedForDays'] as const)
    if (num(f[k]) !== undefined) d[k] = num(f[k])
  if (f.birthdayThisMonth) d.birthdayThisMonth = true
  return d
}

function fromSegment(s: SegmentView): Form {
  const d = s.definition
  const str = (n: number | undefined) => (n === undefined ? '' : String(n))
  return {
    name: s.name,
    description: s.description,
    note: '',
    tierLevels: d.tierLevels ?? [],
    lifecycles: d.lifecycles ?? [],
    churn: d.churnRisk === undefined ? '' : d.churnRisk ? 'yes' : 'no',
    rfm: {
      r: { min: str(d.rfm?.r?.min), max: str(d.rfm?.r?.max) },
      f: { min: str(d.rfm?.f?.min), max: str(d.rfm?.f?.max) },
      m: { min: str(d.rfm?.m?.min), max: str(d.rfm?.m?.max) },
    },
    tags: (d.tagsAny ?? []).join('，'),
    joinedWithinDays: str(d.joinedWithinDays),
    lastPurchaseWithinDays: str(d.lastPurchaseWithinDays),
    notPurchasedForDays: str(d.notPurchasedForDays),
    birthdayThisMonth: d.birthdayThisMonth === true,
  }
}

/** Validates with the shared contract; problems in Chinese, keyed by the top-level field. */
export function validateDefinition(
  raw: unknown,
): { ok: true; definition: SegmentDefinition } | { ok: false; problems: string[] } {
  const parsed = segmentDefinition.safeParse(raw)
  if (parsed.success) return { ok: true, definition: parsed.data }
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => {
      const field = FIELD_LABELS[String(i.path[0])] ?? String(i.path[0] ?? '条件')
      const sub = i.path
        .slice(1)
        .filter((p) => typeof p === 'string')
        .join('.')
        .toUpperCase()
      if (i.path[0] === 'notPurchasedForDays' && i.code === 'custom')
        return '未消费天数须小于「最近 N 天内有消费」的天数（表示最后一次消费在两者之间）'
      if (i.path[0] === 'rfm' && i.code === 'custom') return `RFM ${sub} 的最低分不能高于最高分`
      if (i.path[0] === 'tagsAny') return '标签为 1–20 个字：中文、字母、数字、空格、_ - ·，最多 20 个'
      if (i.code === 'invalid_type' || i.code === 'too_small' || i.code === 'too_big')
        return `${field}${sub ? ` ${sub}` : ''}：请输入有效的整数（天数 1–3650，RFM 1–5）`
      return `${field}${sub ? ` ${sub}` : ''}：${i.message}`
    }),
  }
}

export function SegmentsPage() {
  const [list, reloadList] = useAsync(() => api<{ items: SegmentView[] }>('GET', '/api/ops/segments'), [])
  const [history, reloadHistory] = useAsync(
    () => api<{ items: SegmentVersionView[] }>('GET', '/api/ops/segments/history'),
    [],
  )
  const [rules] = useAsync(() => api<{ tiers: TierDefinition[] }>('GET', '/api/ops/rules'), [])
  const tiers = rules.data?.tiers ?? DEFAULT_TIERS
  const [form, setForm] = useState<Form>(emptyForm)
  const [editing, setEditing] = useState<{ id: string; version: number } | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const [openKey, setOpenKey] = useState<string | null>(null)

  const raw = useMemo(() => toDefinition(form), [form])
  const checked = useMemo(() => validateDefinition(raw), [raw])
  const nameProblem =
    form.name.trim() === '' ? '请填写分群名称' : form.name.trim().length > 40 ? '名称最多 40 个字' : null
  const preview = useLivePreview(checked.ok ? checked.definition : null)

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }))
  const reloadAll = () => {
    reloadList()
    reloadHistory()
  }
  const reset = () => {
    setForm(emptyForm())
    setEditing(null)
  }

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setMessage(null)
    if (nameProblem || !checked.ok) return setMessage({ ok: false, text: nameProblem ?? '请先修正分群条件' })
    setBusy(true)
    const body = {
      name: form.name.trim(),
      description: form.description.trim(),
      definition: checked.definition,
      note: form.note.trim(),
    }
    try {
      const saved = editing
        ? await api<SegmentView>('PUT', `/api/ops/segments/${encodeURIComponent(editing.id)}`, {
            ...body,
            version: editing.version,
          })
        : await api<SegmentView>('POST', '/api/ops/segments', body)
      setMessage({ ok: true, text: `已保存「${saved.name}」第 ${saved.version} 版` })
      reset()
      reloadAll()
    } catch (err) {
      const conflict = err instanceof ApiError && err.code === 'SEGMENT.VERSION_CONFLICT'
      setMessage({
        ok: false,
        text: conflict ? '该分群已被他人修改：请重新点「编辑」载入最新版本后再改' : errorText(err),
      })
    } finally {
      setBusy(false)
    }
  }

  const remove = async (s: SegmentView) => {
    if (!window.confirm(`删除分群「${s.name}」？使用它的活动将找不到目标人群。`)) return
    try {
      await api('POST', `/api/ops/segments/${encodeURIComponent(s.id)}/delete`, { version: s.version })
      setMessage({ ok: true, text: `已删除「${s.name}」` })
      if (editing?.id === s.id) reset()
      reloadAll()
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) })
    }
  }

  const exportIds = async (s: SegmentView) => {
    try {
      const res = await api<{ memberIds: string[]; asOf: string }>(
        'GET',
        `/api/ops/segments/${encodeURIComponent(s.id)}/members`,
      )
      downloadCsv(
        `分群_${s.name}_${formatInstant(res.asOf).slice(0, 10)}.csv`,
        toCsv(
          ['会员号'],
          res.memberIds.map((id) => [id]),
        ),
      )
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) })
    }
  }

  const numberInput = (
    k: 'joinedWithinDays' | 'lastPurchaseWithinDays' | 'notPurchasedForDays',
    label: string,
    hint: string,
  ) => (
    <label className='field'>
      <span>{label}</span>
      <input
        data-testid={`segment-${k}`}
        inputMode='numeric'
        value={form[k]}
        placeholder='不限'
        onChange={(e) => set(k, e.target.value)}
      />
      <small className='hint'>{hint}</small>
    </label>
  )

  return (
    <div className='page'>
      <Panel
        title={editing ? `编辑分群（当前第 ${editing.version} 版）` : '新建分群'}
        extra={
          editing && (
            <button className='btn btn-small' type='button' onClick={reset}>
              取消编辑
            </button>
          )
        }
      >
        <form onSubmit={save} noValidate data-testid='segment-form'>
          <div className='form-grid'>
            <label className={`field${nameProblem && form.name ? ' has-error' : ''}`}>
              <span>名称</span>
              <input
                data-testid='segment-name'
                value={form.name}
                maxLength={40}
                placeholder='如：高价值流失预警'
                onChange={(e) => set('name', e.target.value)}
              />
            </label>
            <label className='field'>
              <span>说明</span>
              <input
                data-testid='segment-description'
                value={form.description}
                maxLength={200}
                placeholder='用途，最多 200 字'
                onChange={(e) => set('description', e.target.value)}
              />
            </label>
            <div className='field'>
              <span>会员等级</span>
              <CheckGroup
                options={tiers.map((t) => ({ value: t.level, label: t.name }))}
                value={form.tierLevels}
                onChange={(v) => set('tierLevels', v)}
                testIdPrefix='segment-tier'
              />
              <small className='hint'>都不选 = 不限</small>
            </div>
            <div className='field'>
              <span>生命周期</span>
              <CheckGroup
                options={LIFECYCLE_STAGES.map((s) => ({ value: s, label: LIFECYCLE_LABELS[s] }))}
                value={form.lifecycles}
                onChange={(v) => set('lifecycles', v)}
                testIdPrefix='segment-lifecycle'
              />
              <small className='hint'>都不选 = 不限</small>
            </div>
            <label className='field'>
              <span>流失风险</span>
              <select
                data-testid='segment-churn'
                value={form.churn}
                onChange={(e) => set('churn', e.target.value as Form['churn'])}
              >
                <option value=''>不限</option>
                <option value='yes'>有流失风险</option>
                <option value='no'>无流失风险</option>
              </select>
            </label>
            <div className='field'>
              <span>RFM 分数范围（1–5）</span>
              {(['r', 'f', 'm'] as const).map((k) => (
                <div className='inline-row rfm-row' key={k}>
                  <span className='rfm-label'>{RFM_LABELS[k]}</span>
                  {(['min', 'max'] as const).map((b) => (
                    <select
                      key={b}
                      data-testid={`segment-rfm-${k}-${b}`}
                      value={form.rfm[k][b]}
                      onChange={(e) => set('rfm', { ...form.rfm, [k]: { ...form.rfm[k], [b]: e.target.value } })}
                    >
                      <option value=''>{b === 'min' ? '最低不限' : '最高不限'}</option>
                      {[1, 2, 3, 4, 5].map((n) => (
                        <option key={n} value={String(n)}>
                          {b === 'min' ? `≥ ${n}` : `≤ ${n}`}
                        </option>
                      ))}
                    </select>
                  ))}
                </div>
              ))}
            </div>
            <label className='field'>
              <span>标签（含任一）</span>
              <input
                data-testid='segment-tags'
                value={form.tags}
                placeholder='用逗号分隔，如 亲子，VIP'
                onChange={(e) => set('tags', e.target.value)}
              />
            </label>
            {numberInput('joinedWithinDays', '入会不满 N 天', '新会员：入会时间在 N 天以内')}
            {numberInput('lastPurchaseWithinDays', '最近 N 天内有消费', '活跃：最后一次消费距今不满 N 天')}
            {numberInput('notPurchasedForDays', 'N 天以上未消费', '沉睡：N 天及以上没有消费（含从未消费）')}
            <label className='field'>
              <span>生日</span>
              <label className='check'>
                <input
                  type='checkbox'
                  data-testid='segment-birthday'
                  checked={form.birthdayThisMonth}
                  onChange={(e) => set('birthdayThisMonth', e.target.checked)}
                />
                本月生日（上海时间当月）
              </label>
            </label>
            <label className='field'>
              <span>修改说明</span>
              <input
                data-testid='segment-note'
                value={form.note}
                maxLength={200}
                placeholder='记录在修改历史中'
                onChange={(e) => set('note', e.target.value)}
              />
            </label>
          </div>

          <div className='segment-summary'>
            <strong>条件：</strong>
            {checked.ok ? describeSegment(checked.definition) : <span className='field-error'>条件有误</span>}
          </div>
          {!checked.ok && (
            <div className='form-error' role='alert' data-testid='segment-errors'>
              {checked.problems.map((p, i) => (
                <div key={i}>{p}</div>
              ))}
            </div>
          )}
          <PreviewBox preview={preview} />
          {message && (
            <div className={message.ok ? 'notice success' : 'form-error'} role='status' data-testid='segment-message'>
              {message.text}
            </div>
          )}
          <div className='toolbar'>
            <button
              className='btn btn-primary'
              type='submit'
              data-testid='segment-save'
              disabled={busy || !!nameProblem || !checked.ok}
            >
              {busy ? '保存中…' : editing ? '保存修改' : '保存分群'}
            </button>
            <button className='btn' type='button' onClick={reset}>
              清空
            </button>
          </div>
        </form>
      </Panel>

      <Panel
        title='已保存的分群'
        extra={
          <button className='btn btn-small' type='button' onClick={reloadList}>
            刷新人数
          </button>
        }
      >
        {list.status === 'error' && <ErrorBox error={list.error} onRetry={reloadList} />}
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
                  <tr key={s.id} data-testid='segment-row' className={editing?.id === s.id ? 'selected' : undefined}>
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
                        onClick={() => {
                          setForm(fromSegment(s))
                          setEditing({ id: s.id, version: s.version })
                          setMessage(null)
                          window.scrollTo(0, 0)
                        }}
                      >
                        编辑
                      </button>{' '}
                      <button
                        className='btn btn-small'
                        type='button'
                        data-testid='segment-export'
                        onClick={() => exportIds(s)}
                      >
                        导出会员号
                      </button>{' '}
                      <button
                        className='btn btn-small'
                        type='button'
                        data-testid='segment-delete'
                        onClick={() => remove(s)}
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

      <Panel title='修改历史'>
        {history.status === 'error' && <ErrorBox error={history.error} onRetry={reloadHistory} />}
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
    </div>
  )
}

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; data?: SegmentPreview }
  | { status: 'ok'; data: SegmentPreview }
  | { status: 'error'; error: unknown }

/** Counts the members a valid definition matches, 400 ms after the last edit; stale answers are dropped. */
function useLivePreview(definition: SegmentDefinition | null): PreviewState {
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

function PreviewBox({ preview }: { preview: PreviewState }) {
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
