import { Fragment, useState } from 'react'
import { buildValue, display, fieldsOf, getPath, type FieldSpec, type RulesValue, type Section } from '../rules-fields'

const POLICY_OPTIONS = [
  { value: 'debt', label: '记为欠分（下次获得积分时先抵扣）' },
  { value: 'reject', label: '拒绝退款冲正，由服务台处理' },
]

/**
 * One rules section as a form in operators' units. Every edit rebuilds the section's value and hands
 * it up (or the fields that do not parse); `issues` are the contract's complaints per field, in Chinese.
 */
export function RulesForm({
  section,
  rules,
  issues,
  onChange,
}: {
  section: Section
  /** the current rules with the section as last edited (form or JSON) */
  rules: RulesValue
  issues: Record<string, string>
  onChange: (value: unknown, formatErrors: Record<string, string>) => void
}) {
  const fields = fieldsOf(section, rules)
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.path, display(f, getPath(rules[section], f.path))])),
  )
  const [formatErrors, setFormatErrors] = useState<Record<string, string>>({})
  const set = (path: string, v: string) => {
    const next = { ...draft, [path]: v }
    setDraft(next)
    const built = buildValue(section, rules, fields, next)
    setFormatErrors(built.errors)
    onChange(built.value, built.errors)
  }
  const groups = [...new Set(fields.map((f) => f.group ?? ''))]
  return (
    <div className='rules-form' data-testid='rules-form'>
      {groups.map((g) => (
        <Fragment key={g}>
          {g && <h3 className='sub-title'>{g}</h3>}
          <div className='form-grid'>
            {fields
              .filter((f) => (f.group ?? '') === g)
              .map((f) => (
                <RuleField
                  key={f.path}
                  field={f}
                  value={draft[f.path] ?? ''}
                  error={formatErrors[f.path] ?? issues[f.path]}
                  onChange={(v) => set(f.path, v)}
                />
              ))}
          </div>
        </Fragment>
      ))}
      {section === 'earning' && (
        <p className='hint'>积分活动（双倍积分日等）在“营销活动 → 积分活动”中管理；新增品类倍率请用“高级（JSON）”。</p>
      )}
      {section !== 'earning' && section !== 'referral' && (
        <p className='hint'>增加或删除{section === 'tiers' ? '等级' : '里程碑'}请用“高级（JSON）”。</p>
      )}
    </div>
  )
}

function RuleField({
  field: f,
  value,
  error,
  onChange,
}: {
  field: FieldSpec
  value: string
  error: string | undefined
  onChange: (v: string) => void
}) {
  const testId = `rule-${f.path}`
  return (
    <label className={`field${error ? ' has-error' : ''}`}>
      <span>{f.label}</span>
      {f.kind === 'policy' ? (
        <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
          {POLICY_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <div className='inline-row'>
          <input
            data-testid={testId}
            value={value}
            inputMode={f.kind === 'int' ? 'numeric' : f.kind === 'text' || f.kind === 'list' ? undefined : 'decimal'}
            onChange={(e) => onChange(e.target.value)}
          />
          {f.unit && <span className='muted'>{f.unit}</span>}
        </div>
      )}
      {error && (
        <small className='field-error' data-testid={`${testId}-error`}>
          {error}
        </small>
      )}
    </label>
  )
}
