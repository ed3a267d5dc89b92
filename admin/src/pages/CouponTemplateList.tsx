import { useState, type FormEvent } from 'react'
import { couponTemplateEditRequest, type CouponTemplateEdit, type CouponTemplateOverview } from '@mall/shared'
import { api } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { formatInstant, localToInstant } from '../format'
import { Panel, useAction, useAsync } from '../ui'

type Row = CouponTemplateOverview

/** 发放中 / 已暂停 / 未开始 / 已结束: the status as a member would meet it now. */
export function templateState(t: Row, now = Date.now()): { label: string; tag: string } {
  if (t.status === 'paused') return { label: '已暂停', tag: 'paused' }
  if (Date.parse(t.claimEnd) < now) return { label: '已结束', tag: '' }
  if (Date.parse(t.claimStart) > now) return { label: '未开始', tag: 'assigned' }
  return { label: '发放中', tag: 'active' }
}

const minute = (iso: string) => formatInstant(iso).slice(0, 16)
const COLUMNS: Column<Row>[] = [
  { key: '_id', title: '编号', className: 'mono', width: '6em' },
  {
    key: 'name',
    title: '名称 / 内容',
    render: (t) => (
      <>
        <div>{t.name}</div>
        <small className='muted'>
          {t.headline}
          {t.pricePoints > 0 ? ` · ${t.pricePoints.toLocaleString('zh-CN')} 积分兑换` : ' · 免费领取'}
        </small>
      </>
    ),
  },
  {
    key: 'stock',
    title: '库存',
    numeric: true,
    render: (t) => (t.stock === null ? '不限量' : t.stock.toLocaleString('zh-CN')),
  },
  { key: 'claimed', title: '已领取', numeric: true },
  { key: 'redeemed', title: '已核销', numeric: true },
  {
    key: 'window',
    title: '领取时间（上海）',
    render: (t) => (
      <small>
        {minute(t.claimStart)}
        <br />至 {minute(t.claimEnd)}
      </small>
    ),
  },
  {
    key: 'status',
    title: '状态',
    render: (t) => {
      const s = templateState(t)
      return (
        <span className={`tag ${s.tag}`} data-testid='coupon-template-status'>
          {s.label}
        </span>
      )
    },
  },
]

/**
 * 优惠券模板列表: every template with its stock, coupons claimed and redeemed (an undone redemption
 * no longer counts), status, and actions (pause/resume, edit, history).
 */
export function CouponTemplateList({
  reloadKey,
  onChanged,
  onHistory,
}: {
  reloadKey: number
  /** after a pause, resume or edit: the page reloads this list and the open history */
  onChanged: () => void
  onHistory: (id: string) => void
}) {
  const [list, reload] = useAsync(() => api<{ items: Row[] }>('GET', '/api/ops/coupon-templates/overview'), [reloadKey])
  const { busy, message, act } = useAction(onChanged)
  const [editing, setEditing] = useState<Row | null>(null)

  const toggle = (t: Row) => {
    const status = t.status === 'active' ? 'paused' : 'active'
    void act(`模板「${t.name}」已${status === 'active' ? '恢复发放' : '暂停发放'}`, () =>
      api('POST', `/api/ops/coupon-templates/${t._id}/status`, { status, version: t.version }),
    )
  }

  return (
    <Panel title={list.data ? `优惠券模板（共 ${list.data.items.length} 个）` : '优惠券模板'} testId='coupon-templates'>
      {message && (
        <div className={message.ok ? 'notice success' : 'form-error'} role='status' data-testid='coupon-list-message'>
          {message.text}
        </div>
      )}
      <DataTable
        columns={COLUMNS}
        rows={list.data?.items}
        rowKey={(t) => t._id}
        loading={list.status === 'loading'}
        error={list.error}
        onRetry={reload}
        rowTestId='coupon-template-row'
        rowProps={(t) => ({ 'data-template-id': t._id })}
        emptyText='还没有优惠券模板，请在下方新建'
        actions={(t) => (
          <>
            <button
              className={`btn btn-small${t.status === 'active' ? ' danger' : ''}`}
              type='button'
              data-testid='coupon-template-toggle'
              disabled={busy}
              onClick={() => toggle(t)}
            >
              {t.status === 'active' ? '暂停' : '恢复'}
            </button>
            <button
              className='btn btn-small'
              type='button'
              data-testid='coupon-template-edit'
              onClick={() => setEditing(t)}
            >
              编辑
            </button>
            <button
              className='btn btn-small'
              type='button'
              data-testid='coupon-template-history'
              onClick={() => onHistory(t._id)}
            >
              历史
            </button>
          </>
        )}
      />
      {editing && (
        <EditTemplate
          key={editing._id + editing.version}
          template={editing}
          busy={busy}
          onSave={(body) =>
            void act(
              `已保存模板「${body.name}」`,
              () => api('PUT', `/api/ops/coupon-templates/${editing._id}`, body),
              () => setEditing(null),
            )
          }
          onCancel={() => setEditing(null)}
        />
      )}
    </Panel>
  )
}

const EDIT_LABELS: Record<string, string> = { name: '名称', claimEnd: '领取结束', stock: '库存', note: '备注' }

/** Name, end of claiming and a raised stock; everything else was promised to the members holding coupons. */
function EditTemplate({
  template: t,
  busy,
  onSave,
  onCancel,
}: {
  template: Row
  busy: boolean
  onSave: (body: CouponTemplateEdit) => void
  onCancel: () => void
}) {
  const [name, setName] = useState(t.name)
  const initialEnd = minute(t.claimEnd).replace(' ', 'T')
  const [claimEnd, setClaimEnd] = useState(initialEnd)
  const [stock, setStock] = useState(t.stock === null ? '' : String(t.stock))
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<string | null>(null)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const stockValue = t.stock === null ? null : Number(stock)
    if (t.stock !== null && (!/^\d+$/.test(stock) || stockValue! < t.stock))
      return setProblem(`库存只能增加：请填写不小于 ${t.stock} 的整数`)
    if (Date.parse(localToInstant(claimEnd)) <= Date.parse(t.claimStart) && claimEnd !== initialEnd)
      return setProblem('领取结束须晚于领取开始')
    // an untouched end keeps its seconds (the input shows minutes only)
    const end = claimEnd === initialEnd ? t.claimEnd : localToInstant(claimEnd)
    const body = { name: name.trim(), claimEnd: end, stock: stockValue, version: t.version, note }
    const parsed = couponTemplateEditRequest.safeParse(body)
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => EDIT_LABELS[String(i.path[0])] ?? String(i.path[0])))]
      return setProblem(`请检查：${fields.join('、')}`)
    }
    setProblem(null)
    onSave(parsed.data)
  }

  return (
    <form className='edit-box' onSubmit={submit} noValidate data-testid='coupon-edit-form'>
      <h3 className='sub-title'>
        编辑模板 {t._id}「{t.name}」
      </h3>
      <p className='hint'>已发出的券按原内容使用：这里只能改名称、领取结束时间和增加库存。</p>
      <div className='form-grid'>
        <label className='field'>
          <span>名称</span>
          <input data-testid='coupon-edit-name' value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className='field'>
          <span>领取结束（上海时间）</span>
          <input
            type='datetime-local'
            data-testid='coupon-edit-claimEnd'
            value={claimEnd}
            onChange={(e) => setClaimEnd(e.target.value)}
          />
        </label>
        <label className='field'>
          <span>库存（张）</span>
          {t.stock === null ? (
            <input value='不限量' disabled />
          ) : (
            <input
              data-testid='coupon-edit-stock'
              inputMode='numeric'
              value={stock}
              onChange={(e) => setStock(e.target.value.trim())}
            />
          )}
        </label>
        <label className='field'>
          <span>备注（记入修改历史）</span>
          <input
            data-testid='coupon-edit-note'
            value={note}
            maxLength={200}
            onChange={(e) => setNote(e.target.value)}
          />
        </label>
      </div>
      {problem && (
        <div className='form-error' data-testid='coupon-edit-message'>
          {problem}
        </div>
      )}
      <div className='toolbar'>
        <button className='btn btn-primary' type='submit' data-testid='coupon-edit-save' disabled={busy}>
          保存
        </button>
        <button className='btn' type='button' onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  )
}
