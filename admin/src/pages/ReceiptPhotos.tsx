import { useState } from 'react'
import {
  RECEIPT_PHOTO_STATUS_ZH,
  type ReceiptPhotoStatus,
  type ReceiptPhotoSubmission,
  type ReceiptQueuePage,
  type ReceiptSla,
} from '@mall/shared'
import { api } from '../api'
import { DataTable } from '../components/DataTable'
import { defaultRange, fenToYuan, formatInstant } from '../format'
import { ErrorBox, Loading, Panel, useAsync } from '../ui'
import { ReceiptReview, statusText } from './ReceiptReview'
import { ReceiptRulesPanel } from './ReceiptRules'
import './receipt-photos.css'

/**
 * 小票积分: members' receipt photos. The queue (oldest first), one receipt with its photo (click to zoom), what
 * OCR read, duplicate flags and the member's recent receipts; approve (the amount may change, with a note) or
 * reject with a listed reason. Above: time to decision (median, p90) this month; below: the versioned rules.
 */
export function ReceiptPhotosPage() {
  const [status, setStatus] = useState<ReceiptPhotoStatus>('pending')
  const [state, reload] = useAsync(
    () => api<ReceiptQueuePage>('GET', `/api/staff/receipt-photos?status=${status}`),
    [status],
  )
  const range = defaultRange()
  const [sla] = useAsync(
    () => api<ReceiptSla>('GET', `/api/ops/receipt-photos/sla?from=${range.from}&to=${range.to}`),
    [],
  )
  const [open, setOpen] = useState<string | null>(null)

  const columns = [
    {
      key: 'submittedAt',
      title: '提交时间',
      className: 'nowrap',
      render: (s: ReceiptPhotoSubmission) => formatInstant(s.submittedAt),
    },
    {
      key: 'memberId',
      title: '会员号',
      className: 'mono',
      width: '7em',
      render: (s: ReceiptPhotoSubmission) => s.memberId,
    },
    { key: 'store', title: '门店', width: '9em', render: (s: ReceiptPhotoSubmission) => s.storeName },
    { key: 'receiptNo', title: '小票号', className: 'mono', render: (s: ReceiptPhotoSubmission) => s.receiptNo },
    {
      key: 'amount',
      title: '金额（元）',
      numeric: true,
      render: (s: ReceiptPhotoSubmission) => fenToYuan(s.amountFen),
    },
    {
      key: 'flags',
      title: '提醒',
      render: (s: ReceiptPhotoSubmission) => (s.flags.length ? `⚠ ${s.flags.length}` : ''),
    },
    { key: 'status', title: '状态', width: '12em', render: statusText },
  ]

  return (
    <div className='page'>
      <Panel title='审核时效（本月）' testId='receipt-sla'>
        {sla.status === 'ok' ? (
          <p data-testid='receipt-sla-figures'>
            已处理 {sla.data.decided} 张（自动通过 {sla.data.autoApproved}）· 中位数 {sla.data.medianMinutes ?? '—'}{' '}
            分钟 · P90 {sla.data.p90Minutes ?? '—'} 分钟 · 待审核 {sla.data.pending} 张
            {sla.data.oldestPendingMinutes !== null ? `，最久已等 ${sla.data.oldestPendingMinutes} 分钟` : ''}
          </p>
        ) : sla.status === 'error' ? (
          <ErrorBox error={sla.error} />
        ) : (
          <Loading />
        )}
      </Panel>
      <Panel
        title='小票审核'
        testId='receipt-photos'
        extra={
          <select
            data-testid='receipt-status'
            value={status}
            onChange={(e) => setStatus(e.target.value as ReceiptPhotoStatus)}
          >
            {(['pending', 'approved', 'rejected', 'undone'] as const).map((s) => (
              <option key={s} value={s}>
                {RECEIPT_PHOTO_STATUS_ZH[s]}
              </option>
            ))}
          </select>
        }
      >
        <DataTable
          testId='receipt-table'
          rowTestId='receipt-row'
          rows={state.data?.items}
          loading={state.status === 'loading'}
          error={state.status === 'error' ? state.error : undefined}
          onRetry={reload}
          rowKey={(s) => s.submissionId}
          emptyText={status === 'pending' ? '没有待审核的小票' : '暂无记录'}
          columns={columns}
          actions={(s) => (
            <button
              className='btn btn-small'
              type='button'
              data-testid='receipt-open'
              onClick={() => setOpen(s.submissionId)}
            >
              查看
            </button>
          )}
        />
      </Panel>
      {open && (
        <ReceiptReview
          id={open}
          onClose={() => setOpen(null)}
          onDecided={() => {
            setOpen(null)
            reload()
          }}
        />
      )}
      <ReceiptRulesPanel />
    </div>
  )
}
