import { FULFILMENT_TEXT, GIFT_KIND_TEXT, type Fulfilment, type GiftConfigView, type GiftKind } from '@mall/shared'
import { api } from '../api'
import { ConfigHistoryPanel, type FieldFormat } from '../components/ConfigHistory'
import { DataTable, type Column } from '../components/DataTable'
import { useConfigForm } from '../config-editing'
import { emptyGiftForm, fromGift, parseGiftForm } from '../gift-form'
import { formatInstant } from '../format'
import { Panel, useAsync } from '../ui'
import { GiftFormPanel } from './GiftForm'
import { GiftRedemptionsPanel } from './GiftRedemptions'

/** 积分商城: the gifts (each change versioned, with history) and the redemptions to fulfil. */

const FIELDS: FieldFormat = {
  name: { label: '名称' },
  kind: { label: '类型', show: (v) => GIFT_KIND_TEXT[v as GiftKind] ?? String(v) },
  description: { label: '描述', show: (v) => (v ? String(v) : '无') },
  imageIds: { label: '图片', show: (v) => `${Array.isArray(v) ? v.length : 0} 张` },
  eligibleTiers: { label: '可兑换等级', show: (v) => (Array.isArray(v) && v.length ? v.join('、') : '不限') },
  fulfilment: {
    label: '领取方式',
    show: (v) => (Array.isArray(v) ? v.map((f) => FULFILMENT_TEXT[f as Fulfilment]).join('、') : ''),
  },
  category: { label: '分类' },
  pricePoints: { label: '积分价格' },
  cashFen: { label: '现金部分', show: (v) => `¥${Number(v) / 100}` },
  stock: { label: '库存', show: (v) => (v === null ? '不限量' : String(v)) },
  perMemberLimit: { label: '每人限兑' },
  availableFrom: { label: '开始', show: (v) => (v ? formatInstant(String(v)) : '立即') },
  availableTo: { label: '截止', show: (v) => (v ? formatInstant(String(v)) : '不限') },
  status: { label: '状态', show: (v) => (v === 'active' ? '上架' : '暂停') },
  sort: { label: '排序' },
  pickupDays: { label: '自提有效天数' },
  refundOnExpiry: { label: '过期退积分', show: (v) => (v ? '是' : '否') },
}

const windowText = (g: GiftConfigView) =>
  g.availableFrom || g.availableTo
    ? `${g.availableFrom ? formatInstant(g.availableFrom).slice(5, 16) : '即日'} – ${
        g.availableTo ? formatInstant(g.availableTo).slice(5, 16) : '不限'
      }`
    : '长期'

export function PointsMallPage() {
  const [list, reload] = useAsync(() => api<{ items: GiftConfigView[] }>('GET', '/api/ops/mall/gifts'), [])
  const page = useConfigForm(emptyGiftForm, reload)
  const { form, editing } = page
  const parsed = parseGiftForm(form, editing ? editing.version : null)
  const save = page.submit(parsed.success, editing?.id ?? '', async () => {
    const g = editing
      ? await api<GiftConfigView>('PUT', `/api/ops/mall/gifts/${editing.id}`, parsed.data)
      : await api<GiftConfigView>('POST', '/api/ops/mall/gifts', parsed.data)
    return `已保存礼品 ${g.giftId}「${g.name}」第 ${g.version} 版`
  })

  const columns: Column<GiftConfigView>[] = [
    { key: 'giftId', title: '编号', className: 'mono' },
    {
      key: 'name',
      title: '礼品',
      render: (g) => (
        <span className='inline-row'>
          {g.images[0] && <img src={g.images[0].thumbUrl} alt='' width={32} height={32} />}
          {g.name}
        </span>
      ),
    },
    { key: 'kind', title: '类型', render: (g) => GIFT_KIND_TEXT[g.kind] },
    { key: 'category', title: '分类' },
    { key: 'pricePoints', title: '积分', numeric: true },
    {
      key: 'stock',
      title: '剩余/库存',
      numeric: true,
      render: (g) => (g.stock === null ? '不限量' : `${g.stockLeft ?? 0} / ${g.stock}`),
    },
    { key: 'window', title: '兑换时间', className: 'nowrap', render: windowText },
    {
      key: 'status',
      title: '状态',
      render: (g) => (
        <span className={`tag ${g.status === 'active' ? 'active' : 'paused'}`}>
          {g.status === 'active' ? '上架' : '暂停'}
        </span>
      ),
    },
    { key: 'version', title: '版本', numeric: true },
  ]

  return (
    <div className='page'>
      <GiftFormPanel page={page} onSubmit={save} />
      <Panel title='礼品列表' testId='gift-list'>
        <DataTable
          columns={columns}
          rows={list.data?.items}
          rowKey={(g) => g.giftId}
          loading={list.status === 'loading'}
          error={list.status === 'error' ? list.error : undefined}
          onRetry={reload}
          emptyText='还没有礼品'
          rowTestId='gift-row'
          selected={(g) => editing?.id === g.giftId}
          actions={(g) => (
            <>
              <button
                className='btn btn-small'
                type='button'
                data-testid='gift-edit'
                onClick={() => page.edit(g.giftId, g.version, fromGift(g))}
              >
                编辑
              </button>{' '}
              <button
                className='btn btn-small'
                type='button'
                data-testid='gift-history'
                onClick={() => page.setHistoryId(g.giftId)}
              >
                历史
              </button>
            </>
          )}
        />
      </Panel>
      {page.historyId && (
        <ConfigHistoryPanel
          title={`礼品 ${page.historyId} 修改历史`}
          path={`/api/ops/mall/gifts/${page.historyId}`}
          fields={FIELDS}
          reloadKey={page.saves}
          onClose={() => page.setHistoryId(null)}
        />
      )}
      <GiftRedemptionsPanel />
    </div>
  )
}
