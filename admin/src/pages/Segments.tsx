import { useMemo, useState, type FormEvent } from 'react'
import {
  DEFAULT_TIERS,
  describeSegment,
  LIFECYCLE_LABELS,
  LIFECYCLE_STAGES,
  type SegmentVersionView,
  type SegmentView,
  type TierDefinition,
} from '@mall/shared'
import { api, ApiError, errorText } from '../api'
import { CheckGroup, Panel, useAsync } from '../ui'
import { PreviewBox, SegmentHistoryPanel, SegmentListPanel, useLivePreview } from './segment-panels'
import { SegmentExportPanel } from './segment-export'
import { emptyForm, fromSegment, RFM_LABELS, toDefinition, validateDefinition, type Form } from './segment-form'

/**
 * 人群分群: saved member filters (the shared zod contract validates the form before anything is
 * sent), a live count while editing, member export (masked, recorded in the audit log), and the change history.
 */

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
  const [exporting, setExporting] = useState<SegmentView | null>(null)

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

      <SegmentListPanel
        list={list}
        reload={reloadList}
        editingId={editing?.id ?? null}
        onEdit={(seg) => {
          setForm(fromSegment(seg))
          setEditing({ id: seg.id, version: seg.version })
          setMessage(null)
          window.scrollTo(0, 0)
        }}
        onExport={setExporting}
        onDelete={remove}
      />
      {exporting && <SegmentExportPanel segment={exporting} onClose={() => setExporting(null)} />}
      <SegmentHistoryPanel history={history} reload={reloadHistory} />
    </div>
  )
}
