import { useEffect, useMemo, useState } from 'react'
import {
  checkinRulesSchema,
  earningRulesSchema,
  referralRulesSchema,
  tiersSchema,
  type RuleVersion,
} from '@mall/shared'
import { api, ApiError, errorText } from '../api'
import { fieldsOf, zhRuleIssue, type RulesValue as CurrentRules, type Section } from '../rules-fields'
import { ErrorBox, Loading, Panel, useAsync } from '../ui'
import { RulesForm } from './RulesForm'
import { RulesHistory } from './RulesHistory'

const SCHEMAS = {
  earning: earningRulesSchema,
  tiers: tiersSchema,
  checkin: checkinRulesSchema,
  referral: referralRulesSchema,
}

export const SECTIONS: { key: Section; label: string; hint: string }[] = [
  {
    key: 'earning',
    label: '积分规则',
    hint: '每元积分、有效期、品类倍率、上限与员工录入额度。JSON 中金额单位为分、倍率为千分比（1000 = 1 倍）',
  },
  { key: 'tiers', label: '会员等级', hint: '每个等级的升级/保级成长值、积分倍率与权益' },
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

/** 规则配置: each section as a form in operators' units (元, 倍, 天), the JSON as an advanced tab. */
export function RulesPage() {
  const [rules, reloadRules] = useAsync(() => api<CurrentRules>('GET', '/api/ops/rules'), [])
  const [history, reloadHistory] = useAsync(() => api<{ items: RuleVersion[] }>('GET', '/api/ops/rules/history'), [])
  const [section, setSection] = useState<Section>('earning')
  const [tab, setTab] = useState<'form' | 'json'>('form')
  const [formKey, setFormKey] = useState(0)
  const [draft, setDraft] = useState<{ section: Section; text: string }>({ section: 'earning', text: '' })
  const [formatErrors, setFormatErrors] = useState<Record<string, string>>({})
  const [serverIssues, setServerIssues] = useState<{ path: string; text: string }[]>([])
  const [note, setNote] = useState('')
  const [saving, setSaving] = useState(false)
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)

  const original = useMemo(
    () => (rules.data ? JSON.stringify(rules.data[section], null, 2) : ''),
    [rules.data, section],
  )
  // the text being edited belongs to one section: on a switch, until the effect runs, the new one's stored value
  const text = draft.section === section ? draft.text : original
  const setText = (t: string) => setDraft({ section, text: t })
  useEffect(() => {
    setDraft({ section, text: original })
    setFormatErrors({})
    setFormKey((k) => k + 1)
  }, [original, section])

  const parsed = useMemo(() => parseJson(text), [text])
  const edited: CurrentRules | null =
    rules.data && parsed.ok ? { ...rules.data, [section]: parsed.value as never } : (rules.data ?? null)
  const fields = rules.data ? fieldsOf(section, edited ?? rules.data) : []
  // the contract's complaints, per field, in Chinese (the server applies the same contract)
  const issues = useMemo(() => {
    if (!parsed.ok) return []
    const check = SCHEMAS[section].safeParse(parsed.value)
    return check.success ? [] : check.error.issues.map((i) => zhRuleIssue(i as never, fields))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [parsed, section])
  const problem = !rules.data
    ? null
    : !parsed.ok
      ? parsed.message
      : (shapeError(section, parsed.value) ??
        (Object.keys(formatErrors).length
          ? '请修正标红的字段'
          : issues.length
            ? issues.map((i) => i.text).join('；')
            : null))
  const dirty = parsed.ok ? JSON.stringify(parsed.value) !== JSON.stringify(rules.data?.[section]) : text !== original

  const pick = (next: Section) => {
    if (next === section) return
    if (dirty && !window.confirm('当前修改尚未保存，切换后将丢失。继续吗？')) return
    setSection(next)
    setResult(null)
    setServerIssues([])
  }
  const switchTab = (next: 'form' | 'json') => {
    if (next === 'form' && !parsed.ok) return setResult({ ok: false, text: '请先修正 JSON 格式错误，再切换到表单' })
    setFormKey((k) => k + 1) // the form re-reads what the JSON now says
    setFormatErrors({})
    setTab(next)
  }
  const revert = () => {
    setText(original)
    setFormatErrors({})
    setFormKey((k) => k + 1)
  }

  const save = async () => {
    if (!parsed.ok || problem || !dirty) return
    setSaving(true)
    setResult(null)
    setServerIssues([])
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
      const raw =
        e instanceof ApiError
          ? ((e.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [])
          : []
      const zh = raw.map((i) => zhRuleIssue(i, fields))
      setServerIssues(zh)
      setResult({ ok: false, text: zh.length ? zh.map((i) => i.text).join('；') : errorText(e) })
    } finally {
      setSaving(false)
    }
  }
  const fieldIssues = Object.fromEntries(
    [...issues, ...serverIssues].map((i) => [i.path, i.text.replace(/^[^：]*：/, '')]),
  )

  return (
    <div className='page'>
      <Panel title='编辑规则'>
        {rules.status === 'error' && <ErrorBox error={rules.error} onRetry={reloadRules} />}
        {!rules.data && rules.status === 'loading' && <Loading />}
        {rules.data && edited && (
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
                      {s.label}
                    </option>
                  ))}
                </select>
              </label>
              <button className='btn' type='button' disabled={!dirty} onClick={revert}>
                撤销修改
              </button>
            </div>
            <p className='definition'>{SECTIONS.find((s) => s.key === section)?.hint}</p>
            <div className='tabs'>
              <button
                type='button'
                className={`tab${tab === 'form' ? ' active' : ''}`}
                data-testid='rules-tab-form'
                onClick={() => switchTab('form')}
              >
                表单
              </button>
              <button
                type='button'
                className={`tab${tab === 'json' ? ' active' : ''}`}
                data-testid='rules-tab-json'
                onClick={() => switchTab('json')}
              >
                高级（JSON）
              </button>
            </div>
            {tab === 'form' ? (
              <RulesForm
                key={`${section}-${formKey}`}
                section={section}
                rules={edited}
                issues={fieldIssues}
                onChange={(value, errors) => {
                  setFormatErrors(errors)
                  setText(JSON.stringify(value, null, 2))
                }}
              />
            ) : (
              <textarea
                className={`code-editor${problem ? ' invalid' : ''}`}
                data-testid='rules-editor'
                spellCheck={false}
                value={text}
                onChange={(e) => setText(e.target.value)}
                rows={Math.min(28, Math.max(10, text.split('\n').length + 1))}
                aria-invalid={problem ? true : undefined}
              />
            )}
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
      <RulesHistory history={history} reload={reloadHistory} section={section} sectionLabel={sectionLabel} />
    </div>
  )
}
