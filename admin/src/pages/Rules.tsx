import { Fragment, useEffect, useMemo, useState } from 'react'
import type { CheckinRules, EarningRules, ReferralRules, RuleVersion, TierDefinition } from '@mall/shared'
import { api, ApiError, errorText } from '../api'
import { formatInstant } from '../format'
import { JsonDiff } from '../components/JsonDiff'
import { Empty, ErrorBox, Loading, Panel, useAsync } from '../ui'

type Section = 'earning' | 'tiers' | 'checkin' | 'referral'
interface CurrentRules {
  earning: EarningRules
  tiers: TierDefinition[]
  checkin: CheckinRules
  referral: ReferralRules
}

export const SECTIONS: { key: Section; label: string; hint: string }[] = [
  {
    key: 'earning',
    label: '积分规则',
    hint: '每元积分、有效期、品类倍率、营销活动、上限与员工额度（金额单位：分；倍率单位：千分比，1000 = 1 倍）',
  },
  { key: 'tiers', label: '会员等级', hint: '等级数组：入会/保级成长值、积分倍率（千分比）、权益' },
  { key: 'checkin', label: '签到规则', hint: '每日基础积分、周期天数、里程碑奖励、补签卡价格与每月上限' },
  { key: 'referral', label: '邀请奖励', hint: '被邀请人/邀请人积分，邀请人每日/每月奖励上限' },
]
const sectionLabel = (s: string) => SECTIONS.find((x) => x.key === s)?.label ?? s

/** JSON.parse with a Chinese message that points at the line and column. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    const lc = /line (\d+) column (\d+)/.exec(msg)
    const pos = /position (\d+)/.exec(msg)
    let where = ''
    if (lc) where = `第 ${lc[1]} 行第 ${lc[2]} 列附近`
    else if (pos) {
      const before = text.slice(0, Number(pos[1]))
      const line = before.split('\n').length
      where = `第 ${line} 行第 ${before.length - before.lastIndexOf('\n')} 列附近`
    } else if (!text.trim()) where = '内容为空'
    return { ok: false, message: `JSON 格式错误${where ? `：${where}` : ''}（${msg}）` }
  }
}

function shapeError(section: Section, value: unknown): string | null {
  if (section === 'tiers') return Array.isArray(value) ? null : '会员等级应为数组（[ … ]）'
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? null
    : `${sectionLabel(section)}应为对象（{ … }）`
}

export function RulesPage() {
  const [rules, reloadRules] = useAsync(() => api<CurrentRules>('GET', '/api/ops/rules'), [])
  const [history, reloadHistory] = useAsync(() => api<{ items: RuleVersion[] }>('GET', '/api/ops/rules/history'), [])
  const [section, setSection] = useState<Section>('earning')
  const [text, setText] = useState('')
  const [note, setNote] = useState('')
  const [saving, setSaving] = useState(false)
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  const [onlySection, setOnlySection] = useState(true)
  const [openKey, setOpenKey] = useState<string | null>(null)

  const original = useMemo(
    () => (rules.data ? JSON.stringify(rules.data[section], null, 2) : ''),
    [rules.data, section],
  )
  useEffect(() => setText(original), [original])

  const parsed = useMemo(() => parseJson(text), [text])
  const problem = !rules.data ? null : !parsed.ok ? parsed.message : shapeError(section, parsed.value)
  const dirty = parsed.ok ? JSON.stringify(parsed.value) !== JSON.stringify(rules.data?.[section]) : text !== original

  const pick = (next: Section) => {
    if (next === section) return
    if (dirty && !window.confirm('当前修改尚未保存，切换后将丢失。继续吗？')) return
    setSection(next)
    setResult(null)
  }

  const save = async () => {
    if (!parsed.ok || problem || !dirty) return
    setSaving(true)
    setResult(null)
    try {
      const res = await api<{ version: number }>('PUT', '/api/ops/rules', {
        section,
        value: parsed.value,
        note: note.trim(),
      })
      setResult({ ok: true, text: `已保存：${sectionLabel(section)} 第 ${res.version} 版` })
      setNote('')
      reloadRules()
      reloadHistory()
    } catch (e) {
      const issues =
        e instanceof ApiError
          ? (e.details as { issues?: { path: string; message: string }[] } | undefined)?.issues
          : undefined
      const detail = issues?.length ? `：${issues.map((i) => `${i.path || '(根)'} ${i.message}`).join('；')}` : ''
      setResult({ ok: false, text: `${errorText(e)}${detail}` })
    } finally {
      setSaving(false)
    }
  }

  const items = (history.data?.items ?? []).filter((v) => !onlySection || v.section === section)

  return (
    <div className='page'>
      <Panel title='编辑规则'>
        {rules.status === 'error' && <ErrorBox error={rules.error} onRetry={reloadRules} />}
        {!rules.data && rules.status === 'loading' && <Loading />}
        {rules.data && (
          <div className='rules-editor'>
            <div className='toolbar'>
              <label className='field-inline'>
                <span>规则分区</span>
                <select
                  data-testid='rules-section-select'
                  value={section}
                  onChange={(e) => pick(e.target.value as Section)}
                >
                  {SECTIONS.map((s) => (
                    <option key={s.key} value={s.key}>
                      {s.label}（{s.key}）
                    </option>
                  ))}
                </select>
              </label>
              <button className='btn' type='button' disabled={!dirty} onClick={() => setText(original)}>
                撤销修改
              </button>
            </div>
            <p className='definition'>{SECTIONS.find((s) => s.key === section)?.hint}</p>
            <textarea
              className={`code-editor${problem ? ' invalid' : ''}`}
              data-testid='rules-editor'
              spellCheck={false}
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={Math.min(28, Math.max(10, text.split('\n').length + 1))}
              aria-invalid={problem ? true : undefined}
            />
            {problem && (
              <div className='form-error' role='alert' data-testid='rules-json-error'>
                {problem}
              </div>
            )}
            <div className='toolbar'>
              <label className='field-inline grow'>
                <span>修改说明</span>
                <input
                  data-testid='rules-note'
                  value={note}
                  maxLength={200}
                  placeholder='例如：五一活动期间积分加倍（最多 200 字）'
                  onChange={(e) => setNote(e.target.value)}
                />
              </label>
              <button
                className='btn btn-primary'
                type='button'
                data-testid='rules-save'
                disabled={saving || !!problem || !dirty}
                onClick={save}
              >
                {saving ? '保存中…' : '保存'}
              </button>
            </div>
            {!dirty && !result && <p className='hint'>未修改。保存后立即对新的交易生效，并记录在下方的修改历史中。</p>}
            {result && (
              <div className={result.ok ? 'notice success' : 'form-error'} role='status' data-testid='rules-result'>
                {result.text}
              </div>
            )}
          </div>
        )}
      </Panel>

      <Panel
        title='修改历史'
        extra={
          <label className='check'>
            <input type='checkbox' checked={onlySection} onChange={(e) => setOnlySection(e.target.checked)} />
            仅显示「{sectionLabel(section)}」
          </label>
        }
      >
        {history.status === 'error' && <ErrorBox error={history.error} onRetry={reloadHistory} />}
        {!history.data && history.status === 'loading' && <Loading />}
        {history.data && items.length === 0 && <Empty text='暂无修改记录' />}
        {items.length > 0 && (
          <div className='table-wrap'>
            <table className='table'>
              <thead>
                <tr>
                  <th>版本</th>
                  <th>分区</th>
                  <th>修改人</th>
                  <th>时间（上海）</th>
                  <th>说明</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((v) => {
                  const key = `${v.section}-${v.version}`
                  return (
                    <Fragment key={key}>
                      <tr data-testid='rules-history-row' className={openKey === key ? 'selected' : undefined}>
                        <td className='num'>{v.version}</td>
                        <td>{sectionLabel(v.section)}</td>
                        <td>{v.changedBy}</td>
                        <td>{formatInstant(v.changedAt)}</td>
                        <td>{v.note || <span className='muted'>—</span>}</td>
                        <td>
                          <button
                            className='btn btn-small'
                            type='button'
                            data-testid='rules-history-diff'
                            onClick={() => setOpenKey(openKey === key ? null : key)}
                          >
                            {openKey === key ? '收起' : '查看差异'}
                          </button>
                        </td>
                      </tr>
                      {openKey === key && (
                        <tr className='diff-cell'>
                          <td colSpan={6}>
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
