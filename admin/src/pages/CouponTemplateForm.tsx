import { useState, type FormEvent, type ReactNode } from 'react'
import { couponHeadline, DEFAULT_TIERS, type CouponTemplate, type TierDefinition } from '@mall/shared'
import { api, ApiError, errorText } from '../api'
import {
  buildInput,
  COUPON_TYPE_OPTIONS,
  emptyForm,
  FIELD_LABELS,
  serverFieldErrors,
  type CouponForm,
  type FieldErrors,
} from '../coupon-form'
import { useStores } from '../use-stores'
import { CheckGroup, Panel, useAsync } from '../ui'

function Field({
  label,
  name,
  errors,
  children,
  hint,
}: {
  label: string
  name: string
  errors: FieldErrors
  children: ReactNode
  hint?: string
}) {
  const err = errors[name]
  return (
    <div className={`field${err ? ' has-error' : ''}`}>
      <span>{label}</span>
      {children}
      {hint && !err && <small className='hint'>{hint}</small>}
      {err && (
        <small className='field-error' data-testid={`coupon-error-${name}`}>
          {err}
        </small>
      )}
    </div>
  )
}

/** 新建优惠券模板: the form, checked in the browser first (coupon-form.ts), then by the server. */
export function CouponTemplateForm({ onCreated }: { onCreated: (t: CouponTemplate) => void }) {
  const stores = useStores()
  const [form, setForm] = useState<CouponForm>(() => emptyForm())
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  // Tier names come from the current rules when available (operators may rename tiers).
  const [rules] = useAsync(() => api<{ tiers: TierDefinition[] }>('GET', '/api/ops/rules'), [])
  const tiers = rules.data?.tiers ?? DEFAULT_TIERS

  const set = <K extends keyof CouponForm>(k: K, v: CouponForm[K]) => setForm((f) => ({ ...f, [k]: v }))
  const text = (k: keyof CouponForm, props: Record<string, unknown> = {}) => (
    <input
      data-testid={`coupon-${k}`}
      value={String(form[k])}
      onChange={(e) => set(k, e.target.value as never)}
      {...props}
    />
  )

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setMessage(null)
    const built = buildInput(form)
    if (!built.ok) {
      setErrors(built.errors)
      const order = Object.keys(FIELD_LABELS)
      const keys = Object.keys(built.errors).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
      setMessage({
        ok: false,
        text: `请修正 ${keys.length} 处错误：${keys.map((k) => FIELD_LABELS[k] ?? k).join('、')}`,
      })
      return
    }
    setErrors({})
    setBusy(true)
    try {
      const t = await api<CouponTemplate>('POST', '/api/ops/coupon-templates', built.input)
      onCreated(t)
      setMessage({ ok: true, text: `已创建模板 ${t._id}「${t.name}」（${couponHeadline(t)}）` })
      setForm(emptyForm())
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION.FAILED') setErrors(serverFieldErrors(err.details))
      setMessage({ ok: false, text: errorText(err) })
    } finally {
      setBusy(false)
    }
  }

  const t = form.type
  return (
    <Panel title='新建优惠券模板'>
      <form className='coupon-form' onSubmit={submit} noValidate data-testid='coupon-form'>
        <div className='form-grid'>
          <Field label='名称' name='name' errors={errors}>
            {text('name', { maxLength: 40, placeholder: '如：满200减30' })}
          </Field>
          <Field label='类型' name='type' errors={errors}>
            <select
              data-testid='coupon-type'
              value={t}
              onChange={(e) => set('type', e.target.value as CouponForm['type'])}
            >
              {COUPON_TYPE_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </Field>
          {(t === 'cash_off' || t === 'voucher' || t === 'percent_off') && (
            <Field
              label='使用门槛（元）'
              name='thresholdFen'
              errors={errors}
              hint={t === 'cash_off' ? '消费满该金额可用' : '0 或留空 = 无门槛'}
            >
              {text('threshold', { inputMode: 'decimal', placeholder: '200' })}
            </Field>
          )}
          {(t === 'cash_off' || t === 'voucher') && (
            <Field label='面额（元）' name='valueFen' errors={errors}>
              {text('value', { inputMode: 'decimal', placeholder: '30' })}
            </Field>
          )}
          {t === 'percent_off' && (
            <>
              <Field label='折扣（折）' name='discountPermille' errors={errors} hint='1–9.9，如 8.5 表示 8.5 折'>
                {text('discount', { inputMode: 'decimal', placeholder: '8.5' })}
              </Field>
              <Field label='最高优惠（元）' name='maxDiscountFen' errors={errors} hint='留空 = 不封顶'>
                {text('maxDiscount', { inputMode: 'decimal' })}
              </Field>
            </>
          )}
          {t === 'gift' && (
            <Field label='礼品名称' name='giftName' errors={errors}>
              {text('giftName', { maxLength: 40 })}
            </Field>
          )}
          {t === 'parking' && (
            <Field label='停车时长（小时）' name='parkingHours' errors={errors}>
              {text('parkingHours', { inputMode: 'numeric' })}
            </Field>
          )}
          <Field label='库存（张）' name='stock' errors={errors}>
            <div className='inline-row'>
              {text('stock', { inputMode: 'numeric', disabled: form.unlimited })}
              <label className='check'>
                <input
                  type='checkbox'
                  data-testid='coupon-unlimited'
                  checked={form.unlimited}
                  onChange={(e) => set('unlimited', e.target.checked)}
                />
                不限量
              </label>
            </div>
          </Field>
          <Field label='每人限领（张）' name='perMemberLimit' errors={errors}>
            {text('perMemberLimit', { inputMode: 'numeric' })}
          </Field>
          <Field label='领取开始（上海时间）' name='claimStart' errors={errors}>
            {text('claimStart', { type: 'datetime-local' })}
          </Field>
          <Field label='领取结束（上海时间）' name='claimEnd' errors={errors}>
            {text('claimEnd', { type: 'datetime-local' })}
          </Field>
          <Field
            label='有效期'
            name='validity'
            errors={errors}
            hint={form.validityKind === 'relative' ? '领取当天算第 1 天' : undefined}
          >
            <div className='inline-row'>
              <select
                data-testid='coupon-validityKind'
                value={form.validityKind}
                onChange={(e) => set('validityKind', e.target.value as CouponForm['validityKind'])}
              >
                <option value='relative'>领取后 N 天</option>
                <option value='fixed'>固定日期</option>
              </select>
              {form.validityKind === 'relative' ? (
                <>
                  {text('validityDays', { inputMode: 'numeric', className: 'short' })}
                  <span>天</span>
                </>
              ) : (
                <>
                  {text('validFrom', { type: 'datetime-local' })}
                  <span>至</span>
                  {text('validTo', { type: 'datetime-local' })}
                </>
              )}
            </div>
          </Field>
          <Field label='兑换所需积分' name='pricePoints' errors={errors} hint='0 = 免费领取'>
            {text('pricePoints', { inputMode: 'numeric' })}
          </Field>
          <Field label='出资方' name='fundedBy' errors={errors} hint='用于结算'>
            <select
              data-testid='coupon-fundedBy'
              value={form.fundedBy}
              onChange={(e) => set('fundedBy', e.target.value)}
            >
              <option value='mall'>商场（mall）</option>
              {stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label='适用等级' name='eligibleTiers' errors={errors} hint='都不选 = 所有等级'>
            <CheckGroup
              options={tiers.map((t) => ({ value: t.level, label: t.name }))}
              value={form.eligibleTiers}
              onChange={(v) => set('eligibleTiers', v)}
              testIdPrefix='coupon-tier'
            />
          </Field>
          <Field label='适用门店' name='storeIds' errors={errors} hint='都不选 = 所有门店'>
            <CheckGroup
              options={stores.map((s) => ({ value: s.id, label: s.name }))}
              value={form.storeIds}
              onChange={(v) => set('storeIds', v)}
              testIdPrefix='coupon-store'
            />
          </Field>
        </div>
        {message && (
          <div className={message.ok ? 'notice success' : 'form-error'} role='status' data-testid='coupon-message'>
            {message.text}
          </div>
        )}
        <div className='toolbar'>
          <button className='btn btn-primary' type='submit' data-testid='coupon-submit' disabled={busy}>
            {busy ? '创建中…' : '创建模板'}
          </button>
          <button
            className='btn'
            type='button'
            onClick={() => {
              setForm(emptyForm())
              setErrors({})
              setMessage(null)
            }}
          >
            重置
          </button>
        </div>
      </form>
    </Panel>
  )
}
