import { useEffect, useState } from 'react'
import type { ReceiptPhotoRulesView } from '@mall/shared'
import { api } from '../api'
import { ConfigHistoryPanel, type FieldFormat } from '../components/ConfigHistory'
import { InlineTextField } from '../components/fields'
import { fenToYuan, yuanToFen } from '../format'
import { ErrorBox, Loading, Panel, useAction, useAsync } from '../ui'

const PATH = '/api/ops/receipt-photos/rules'
const yuan = (v: unknown) => `¥${fenToYuan(Number(v))}`
const yesNo = (v: unknown) => (v ? '开启' : '关闭')
const FIELDS: FieldFormat = {
  enabled: { label: '小票积分', show: yesNo },
  minAmountFen: { label: '最低金额', show: yuan },
  deadlineDays: { label: '提交期限（消费后天数）' },
  perStorePerDay: { label: '每店每日上限' },
  retentionDays: { label: '照片保存天数' },
  autoApprove: {
    label: '自动通过',
    show: (v) => {
      const a = v as ReceiptPhotoRulesView['autoApprove'] | undefined
      return a ? `${yesNo(a.enabled)}，≤${yuan(a.maxAmountFen)}${a.requireOcrAmountMatch ? '，识别金额一致' : ''}` : '—'
    },
  },
}

/** The receipt-photo rules, saved as a new version at the version seen (a stale edit is refused). */
export function ReceiptRulesPanel() {
  const [rules, reload] = useAsync(() => api<ReceiptPhotoRulesView>('GET', PATH), [])
  const { busy, message, setMessage, act } = useAction(reload)
  const [form, setForm] = useState<Record<string, string | boolean>>({})
  const [note, setNote] = useState('')
  const [saved, setSaved] = useState(0)

  useEffect(() => {
    if (rules.status !== 'ok') return
    const r = rules.data
    setForm({
      enabled: r.enabled,
      minYuan: fenToYuan(r.minAmountFen).replace(/,/g, ''),
      deadlineDays: String(r.deadlineDays),
      perStorePerDay: String(r.perStorePerDay),
      retentionDays: String(r.retentionDays),
      autoEnabled: r.autoApprove.enabled,
      autoMaxYuan: fenToYuan(r.autoApprove.maxAmountFen).replace(/,/g, ''),
      autoOcr: r.autoApprove.requireOcrAmountMatch,
    })
  }, [rules.status, rules.data])

  if (rules.status !== 'ok')
    return rules.status === 'error' ? <ErrorBox error={rules.error} onRetry={reload} /> : <Loading />
  const text = (k: string) => String(form[k] ?? '')
  const flag = (k: string) => form[k] === true
  const set = (k: string, v: string | boolean) => setForm({ ...form, [k]: v })

  const save = () => {
    const minAmountFen = yuanToFen(text('minYuan'))
    const maxAmountFen = yuanToFen(text('autoMaxYuan'))
    const ints = ['deadlineDays', 'perStorePerDay', 'retentionDays'].map((k) => Number(text(k)))
    if (minAmountFen === null || maxAmountFen === null || ints.some((n) => !Number.isInteger(n)))
      return setMessage({ ok: false, text: '请检查金额和天数' })
    if (!note.trim()) return setMessage({ ok: false, text: '请填写修改说明' })
    const [deadlineDays, perStorePerDay, retentionDays] = ints
    void act(
      '已保存为新版本',
      () =>
        api('PUT', PATH, {
          enabled: flag('enabled'),
          minAmountFen,
          deadlineDays,
          perStorePerDay,
          retentionDays,
          autoApprove: { enabled: flag('autoEnabled'), maxAmountFen, requireOcrAmountMatch: flag('autoOcr') },
          version: rules.data.version,
          note: note.trim(),
        }),
      () => {
        setNote('')
        setSaved(saved + 1)
      },
    )
  }

  const num = (k: string, label: string) => (
    <InlineTextField label={label} testId={`receipt-rule-${k}`} value={text(k)} onChange={(v) => set(k, v)} />
  )
  const check = (k: string, label: string) => (
    <label className='field-inline'>
      <input
        type='checkbox'
        data-testid={`receipt-rule-${k}`}
        checked={flag(k)}
        onChange={(e) => set(k, e.target.checked)}
      />
      <span>{label}</span>
    </label>
  )
  return (
    <>
      <Panel
        title={
          rules.data.version > 0 ? `小票积分规则（版本 ${rules.data.version}）` : '小票积分规则（默认设置，尚未修改）'
        }
        testId='receipt-rules'
      >
        {message && (
          <div className={message.ok ? 'notice success' : 'form-error'} role='status'>
            {message.text}
          </div>
        )}
        <div className='toolbar'>
          {check('enabled', '开放小票积分')}
          {num('minYuan', '最低金额（元）')}
          {num('deadlineDays', '消费后几天内提交（当天 23:59 截止）')}
        </div>
        <div className='toolbar'>
          {num('perStorePerDay', '每人每店每日最多（张）')}
          {num('retentionDays', '照片保存（天）')}
        </div>
        <div className='toolbar'>
          {check('autoEnabled', '低风险小票自动通过')}
          {num('autoMaxYuan', '自动通过金额上限（元）')}
          {check('autoOcr', '要求识别金额与填写一致')}
        </div>
        <div className='toolbar'>
          <InlineTextField
            label='修改说明'
            testId='receipt-rule-note'
            value={note}
            maxLength={200}
            onChange={setNote}
          />
          <button
            className='btn btn-primary'
            type='button'
            disabled={busy}
            data-testid='receipt-rule-save'
            onClick={save}
          >
            保存
          </button>
        </div>
      </Panel>
      <ConfigHistoryPanel title='小票积分规则修改记录' path={PATH} fields={FIELDS} reloadKey={saved} />
    </>
  )
}
