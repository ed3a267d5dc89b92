import { useState } from 'react'
import { REDEMPTION_STATUS_TEXT, type AddressInput, type GiftRedemption, type RedemptionStatus } from '@mall/shared'
import { api, qs } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { formatInstant } from '../format'
import { Panel, useAction, useAsync } from '../ui'
import { RevealOnReason } from './member-reveal'

type Row = GiftRedemption & { memberId: string }

const FILTERS: { value: RedemptionStatus | ''; label: string }[] = [
  { value: 'pending_shipment', label: '待发货' },
  { value: 'pending_pickup', label: '待领取' },
  { value: 'shipped', label: '已发货' },
  { value: '', label: '全部' },
]

const addressText = (a: AddressInput) => `${a.name} ${a.phone} ${a.region} ${a.detail}`

const COLUMNS: Column<Row>[] = [
  { key: 'redemptionId', title: '兑换单号', className: 'mono nowrap' },
  { key: 'giftName', title: '礼品' },
  { key: 'memberId', title: '会员编号', className: 'mono nowrap' },
  { key: 'pricePoints', title: '积分', numeric: true, className: 'nowrap' },
  { key: 'redeemedAt', title: '兑换时间', className: 'nowrap', render: (r) => formatInstant(r.redeemedAt) },
  {
    key: 'address',
    title: '收货信息',
    // masked by the server; the full address (to ship it) is a reveal with a reason, in the audit log
    render: (r) =>
      r.address ? (
        <RevealOnReason
          testId='reveal-address'
          masked={addressText(r.address)}
          emptyText='—'
          what='收货信息'
          reveal={async (reason) => {
            const path = `/api/ops/mall/redemptions/${r.redemptionId}/reveal-address`
            return addressText((await api<{ address: AddressInput }>('POST', path, { reason })).address)
          }}
        />
      ) : (
        '自提'
      ),
  },
  { key: 'status', title: '状态', className: 'nowrap', render: (r) => r.statusText },
]

/**
 * 兑换订单: redemptions by status (待发货 first); a delivery is shipped with the carrier and tracking
 * number the member then sees, and any redemption not yet handed over can be cancelled (points back).
 */
export function GiftRedemptionsPanel() {
  const [status, setStatus] = useState<RedemptionStatus | ''>('pending_shipment')
  const [list, reload] = useAsync(
    () => api<{ items: Row[] }>('GET', `/api/ops/mall/redemptions${qs({ status: status || undefined })}`),
    [status],
  )
  const { busy, message, act } = useAction(reload)
  const [shipping, setShipping] = useState<{ id: string; carrier: string; trackingNo: string } | null>(null)

  const ship = () =>
    shipping &&
    void act(`已发货：${shipping.carrier} ${shipping.trackingNo}`, async () => {
      await api('POST', `/api/ops/mall/redemptions/${shipping.id}/ship`, {
        carrier: shipping.carrier.trim(),
        trackingNo: shipping.trackingNo.trim(),
      })
      setShipping(null)
    })
  const cancel = (r: Row) => {
    const note = window.prompt(`取消兑换 ${r.redemptionId}「${r.giftName}」，积分将退回会员。请填写原因：`)
    if (note?.trim())
      void act('已取消，积分已退回', () => api('POST', `/api/ops/mall/redemptions/${r.redemptionId}/cancel`, { note }))
  }

  return (
    <Panel
      title='兑换订单'
      testId='gift-redemptions'
      extra={
        <select
          data-testid='redemption-filter'
          value={status}
          onChange={(e) => setStatus(e.target.value as RedemptionStatus | '')}
        >
          {FILTERS.map((f) => (
            <option key={f.label} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      }
    >
      {message && (
        <div className={message.ok ? 'notice success' : 'form-error'} role='status'>
          {message.text}
        </div>
      )}
      {shipping && (
        <div className='inline-row' style={{ marginBottom: 12 }} data-testid='ship-form'>
          <span>发货 {shipping.id}</span>
          <input
            placeholder='快递公司，如 顺丰'
            data-testid='ship-carrier'
            value={shipping.carrier}
            maxLength={20}
            onChange={(e) => setShipping({ ...shipping, carrier: e.target.value })}
          />
          <input
            placeholder='快递单号'
            data-testid='ship-tracking'
            value={shipping.trackingNo}
            maxLength={40}
            onChange={(e) => setShipping({ ...shipping, trackingNo: e.target.value })}
          />
          <button
            className='btn btn-primary btn-small'
            type='button'
            data-testid='ship-save'
            disabled={busy}
            onClick={ship}
          >
            确认发货
          </button>
          <button className='btn btn-small' type='button' onClick={() => setShipping(null)}>
            取消
          </button>
        </div>
      )}
      <DataTable
        columns={COLUMNS}
        rows={list.data?.items}
        rowKey={(r) => r.redemptionId}
        loading={list.status === 'loading'}
        error={list.status === 'error' ? list.error : undefined}
        onRetry={reload}
        emptyText={`暂无${FILTERS.find((f) => f.value === status)?.label ?? ''}的兑换`}
        rowTestId='redemption-row'
        actions={(r) => (
          <>
            {r.status === 'pending_shipment' && (
              <button
                className='btn btn-small'
                type='button'
                data-testid='redemption-ship'
                onClick={() => setShipping({ id: r.redemptionId, carrier: '', trackingNo: '' })}
              >
                发货
              </button>
            )}{' '}
            {(r.status === 'pending_shipment' || r.status === 'pending_pickup') && (
              <button className='btn btn-small' type='button' data-testid='redemption-cancel' onClick={() => cancel(r)}>
                取消
              </button>
            )}
          </>
        )}
      />
      <small className='hint'>状态说明：{Object.values(REDEMPTION_STATUS_TEXT).join(' / ')}</small>
    </Panel>
  )
}
