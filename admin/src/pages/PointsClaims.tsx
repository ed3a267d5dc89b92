import { useState } from 'react'
import {
  POINTS_CLAIM_REJECT_REASONS_ZH,
  POINTS_CLAIM_STATUS_ZH,
  type PointsClaim,
  type PointsClaimRejectReason,
  type PointsClaimsPage,
  type PointsClaimStatus,
} from '@mall/shared'
import { api } from '../api'
import { DataTable } from '../components/DataTable'
import { InlineTextField, RejectWithReason } from '../components/fields'
import { fenToYuan, formatInstant, yuanToFen } from '../format'
import { Panel, useAction, useAsync } from '../ui'

/**
 * 积分补登: members' missing-points claims the system could not match. The operator (or the service
 * desk) approves with the amount checked — the points are posted by the same rules as a till award,
 * and a purchase another channel already earned is refused — or rejects with a reason.
 */
export function PointsClaimsPage() {
  const [status, setStatus] = useState<PointsClaimStatus>('pending')
  const [state, reload] = useAsync(
    () => api<PointsClaimsPage>('GET', `/api/desk/points-claims?status=${status}`),
    [status],
  )
  const { busy, message, setMessage, act } = useAction(reload)
  const [open, setOpen] = useState<string | null>(null)
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState<PointsClaimRejectReason>('no_purchase_found')

  const approve = (c: PointsClaim) => {
    const fen = yuanToFen(amount)
    if (fen === null || fen <= 0) return setMessage({ ok: false, text: '请填写核实后的消费金额（元）' })
    void act(
      '',
      () =>
        api<PointsClaim>('POST', `/api/desk/points-claims/${encodeURIComponent(c.claimId)}/approve`, {
          amountFen: fen,
        }),
      (r) => {
        setOpen(null)
        setMessage({ ok: true, text: `已补登 ${(r as PointsClaim).points} 积分` })
      },
    )
  }
  const selected = status === 'pending' ? state.data?.items.find((c) => c.claimId === open) : undefined
  const reject = (c: PointsClaim) =>
    void act(
      '已驳回',
      () => api('POST', `/api/desk/points-claims/${encodeURIComponent(c.claimId)}/reject`, { reason }),
      () => setOpen(null),
    )

  const columns = [
    {
      key: 'createdAt',
      title: '提交时间',
      className: 'nowrap',
      render: (c: PointsClaim) => formatInstant(c.createdAt),
    },
    { key: 'memberId', title: '会员号', className: 'mono', width: '7em', render: (c: PointsClaim) => c.memberId },
    { key: 'store', title: '门店', width: '9em', render: (c: PointsClaim) => c.storeName },
    {
      key: 'purchasedAt',
      title: '消费时间',
      className: 'nowrap',
      render: (c: PointsClaim) => formatInstant(c.purchasedAt),
    },
    { key: 'amount', title: '金额（元）', numeric: true, render: (c: PointsClaim) => fenToYuan(c.amountFen) },
    {
      key: 'ref',
      title: '小票号 / 微信支付单号',
      className: 'mono',
      width: '12em',
      render: (c: PointsClaim) => c.receiptNo ?? c.transactionId ?? '未填写',
    },
    {
      key: 'status',
      title: '状态',
      width: '12em',
      render: (c: PointsClaim) =>
        c.status === 'approved'
          ? `已补登 +${c.points} 积分`
          : c.status === 'rejected'
            ? `未通过：${c.rejectReason ? POINTS_CLAIM_REJECT_REASONS_ZH[c.rejectReason] : '—'}`
            : POINTS_CLAIM_STATUS_ZH[c.status],
    },
  ]

  return (
    <div className='page'>
      <Panel
        title='积分补登审核'
        testId='points-claims'
        extra={
          <select
            data-testid='claims-status'
            value={status}
            onChange={(e) => setStatus(e.target.value as PointsClaimStatus)}
          >
            {(['pending', 'approved', 'rejected'] as const).map((s) => (
              <option key={s} value={s}>
                {POINTS_CLAIM_STATUS_ZH[s]}
              </option>
            ))}
          </select>
        }
      >
        <p className='definition'>
          会员反映“积分未到账”、系统未能自动找到的消费。请核对门店的消费记录后处理：通过后按门店积分规则发放积分，已通过其他渠道积分的消费会被拒绝，不会重复发放。
        </p>
        {message && (
          <div className={message.ok ? 'notice success' : 'form-error'} role='status' data-testid='claims-message'>
            {message.text}
          </div>
        )}
        <DataTable
          testId='claims-table'
          rowTestId='claim-row'
          rows={state.data?.items}
          loading={state.status === 'loading'}
          error={state.status === 'error' ? state.error : undefined}
          onRetry={reload}
          rowKey={(c) => c.claimId}
          emptyText={status === 'pending' ? '没有待审核的补登申请' : '暂无记录'}
          columns={columns}
          actions={
            status === 'pending'
              ? (c) => (
                  <button
                    className='btn btn-small'
                    type='button'
                    data-testid='claim-open'
                    onClick={() => {
                      setOpen(c.claimId)
                      setAmount(fenToYuan(c.amountFen).replace(/,/g, ''))
                      setMessage(null)
                    }}
                  >
                    处理
                  </button>
                )
              : undefined
          }
        />
      </Panel>
      {selected && (
        <Panel title='处理补登申请' testId='claim-decision'>
          <dl className='kv'>
            <dt>门店</dt>
            <dd>{selected.storeName}</dd>
            <dt>消费时间</dt>
            <dd>{formatInstant(selected.purchasedAt)}</dd>
            <dt>会员填写金额</dt>
            <dd>¥{fenToYuan(selected.amountFen)}</dd>
            <dt>小票号 / 微信支付单号</dt>
            <dd>{selected.receiptNo ?? selected.transactionId ?? '未填写'}</dd>
          </dl>
          <div className='toolbar'>
            <InlineTextField label='核实后的金额（元）' testId='claim-amount' value={amount} onChange={setAmount} />
            <button
              className='btn btn-primary'
              type='button'
              disabled={busy}
              data-testid='claim-approve'
              onClick={() => approve(selected)}
            >
              通过并补登
            </button>
          </div>
          <RejectWithReason
            reasons={POINTS_CLAIM_REJECT_REASONS_ZH}
            reason={reason}
            onReason={setReason}
            busy={busy}
            testIdPrefix='claim'
            onReject={() => reject(selected)}
          >
            <button className='btn' type='button' onClick={() => setOpen(null)}>
              取消
            </button>
          </RejectWithReason>
        </Panel>
      )}
    </div>
  )
}
