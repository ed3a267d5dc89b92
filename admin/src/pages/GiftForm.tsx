import { useState, type ChangeEvent, type FormEvent } from 'react'
import { DEFAULT_TIERS, type GiftImage, type TierDefinition } from '@mall/shared'
import { api, errorText } from '../api'
import { ConfigFormPanel, contractProblems, type useConfigForm } from '../config-editing'
import { FULFILMENT_OPTIONS, GIFT_HINTS, GIFT_LABELS, KIND_OPTIONS, parseGiftForm, type GiftForm } from '../gift-form'
import { CheckGroup, useAsync } from '../ui'

type FormState = ReturnType<typeof useConfigForm<GiftForm>>
/** A field across the whole form grid (description, pictures). */
const WIDE = { gridColumn: '1 / -1' }

/** The gift's create / edit form: fields, pictures (uploaded, thumbnails made by the server), checks. */
export function GiftFormPanel({ page, onSubmit }: { page: FormState; onSubmit: (e: FormEvent) => void }) {
  const { form, set, editing } = page
  const parsed = parseGiftForm(form, editing ? editing.version : null)
  const problems = parsed.success ? [] : contractProblems(parsed.error.issues, GIFT_LABELS, GIFT_HINTS)
  const [rules] = useAsync(() => api<{ tiers: TierDefinition[] }>('GET', '/api/ops/rules'), [])
  const tiers = rules.data?.tiers ?? DEFAULT_TIERS

  const text = (
    k: 'name' | 'category' | 'pricePoints' | 'cash' | 'perMemberLimit' | 'sort' | 'pickupDays' | 'note',
    label: string,
    props: Record<string, unknown> = {},
  ) => (
    <label className='field'>
      <span>{label}</span>
      <input data-testid={`gift-${k}`} value={form[k]} onChange={(e) => set(k, e.target.value)} {...props} />
    </label>
  )
  const when = (k: 'availableFrom' | 'availableTo', label: string, hint: string) => (
    <label className='field'>
      <span>{label}</span>
      <input type='datetime-local' data-testid={`gift-${k}`} value={form[k]} onChange={(e) => set(k, e.target.value)} />
      <small className='hint'>{hint}</small>
    </label>
  )

  return (
    <ConfigFormPanel
      title={editing ? `编辑礼品 ${editing.id}（当前第 ${editing.version} 版）` : '新建礼品'}
      testPrefix='gift'
      state={page}
      problems={problems}
      createLabel='新建礼品'
      onSubmit={onSubmit}
    >
      {text('name', '礼品名称', { maxLength: 40, placeholder: '如：精致洗车一次' })}
      <label className='field'>
        <span>类型</span>
        <select
          data-testid='gift-kind'
          value={form.kind}
          onChange={(e) => set('kind', e.target.value as GiftForm['kind'])}
        >
          {KIND_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {text('category', '分类', { maxLength: 12, placeholder: '如：生活服务' })}
      {text('pricePoints', '积分价格', { inputMode: 'numeric', placeholder: '如 500' })}
      {text('cash', '现金部分（元，可空）', { inputMode: 'decimal', placeholder: '仅展示「积分+现金」参考价' })}
      <div className='field'>
        <span>库存</span>
        <div className='inline-row'>
          <input
            data-testid='gift-stock'
            inputMode='numeric'
            disabled={form.unlimited}
            value={form.stock}
            onChange={(e) => set('stock', e.target.value)}
          />
          <label className='check'>
            <input
              type='checkbox'
              data-testid='gift-unlimited'
              checked={form.unlimited}
              onChange={(e) => set('unlimited', e.target.checked)}
            />
            不限量
          </label>
        </div>
        <small className='hint'>库存按份发放，限时抢兑也不会超卖；加库存即可补货</small>
      </div>
      {text('perMemberLimit', '每人限兑', { inputMode: 'numeric' })}
      <div className='field'>
        <span>可兑换等级（不选 = 所有等级）</span>
        <CheckGroup
          options={tiers.map((t) => ({ value: t.level, label: t.name }))}
          value={form.eligibleTiers}
          onChange={(v) => set('eligibleTiers', v)}
          testIdPrefix='gift-tier'
        />
      </div>
      {when('availableFrom', '开始时间（可空）', '空 = 立即开放')}
      {when('availableTo', '截止时间（可空）', '设置后在会员端显示「限时兑换」')}
      <div className='field'>
        <span>领取方式</span>
        <CheckGroup
          options={FULFILMENT_OPTIONS}
          value={form.fulfilment}
          onChange={(v) => set('fulfilment', v)}
          testIdPrefix='gift-fulfilment'
        />
      </div>
      {text('pickupDays', '自提有效天数', { inputMode: 'numeric' })}
      <label className='field'>
        <span>过期未领取</span>
        <label className='check'>
          <input
            type='checkbox'
            data-testid='gift-refund'
            checked={form.refundOnExpiry}
            onChange={(e) => set('refundOnExpiry', e.target.checked)}
          />
          退回积分（不勾选则积分作废）
        </label>
      </label>
      {text('sort', '排序（小的在前）', { inputMode: 'numeric' })}
      <label className='field'>
        <span>状态</span>
        <label className='check'>
          <input
            type='checkbox'
            data-testid='gift-active'
            checked={form.active}
            onChange={(e) => set('active', e.target.checked)}
          />
          上架（取消勾选即暂停兑换）
        </label>
      </label>
      <label className='field' style={WIDE}>
        <span>描述</span>
        <textarea
          data-testid='gift-description'
          maxLength={1000}
          rows={3}
          value={form.description}
          onChange={(e) => set('description', e.target.value)}
        />
      </label>
      <GiftImages images={form.images} onChange={(v) => set('images', v)} />
      {editing && text('note', '修改说明', { maxLength: 200, placeholder: '记录在修改历史中，如：补货 50 份' })}
    </ConfigFormPanel>
  )
}

/** Pictures: JPG / PNG / WebP up to 2 MB; the server checks the bytes and makes the thumbnail. */
function GiftImages({ images, onChange }: { images: GiftImage[]; onChange: (v: GiftImage[]) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (!file) return
    if (file.size > 2 * 1024 * 1024) return setError('图片不能超过 2 MB')
    setBusy(true)
    setError('')
    try {
      const dataUrl = await new Promise<string>((resolve, reject) => {
        const reader = new FileReader()
        reader.onload = () => resolve(String(reader.result))
        reader.onerror = () => reject(new Error('read failed'))
        reader.readAsDataURL(file)
      })
      onChange([...images, await api<GiftImage>('POST', '/api/ops/mall/images', { dataUrl })])
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className='field' style={WIDE}>
      <span>图片（最多 6 张，第一张为封面）</span>
      <div className='inline-row' style={{ flexWrap: 'wrap', gap: 8 }}>
        {images.map((img) => (
          <figure key={img.imageId} style={{ margin: 0, textAlign: 'center' }} data-testid='gift-image'>
            <img src={img.thumbUrl} alt='礼品图片' width={80} height={80} />
            <button type='button' className='btn btn-small' onClick={() => onChange(images.filter((i) => i !== img))}>
              移除
            </button>
          </figure>
        ))}
        {images.length < 6 && (
          <label className='btn btn-small'>
            {busy ? '上传中…' : '上传图片'}
            <input
              type='file'
              accept='image/jpeg,image/png,image/webp'
              hidden
              data-testid='gift-image-input'
              disabled={busy}
              onChange={(e) => void upload(e)}
            />
          </label>
        )}
      </div>
      {error && <small className='form-error'>{error}</small>}
    </div>
  )
}
