import { useState, type FormEvent } from 'react'
import {
  memberFreezeRequest,
  pointsAdjustmentRequest,
  type MemberRequestView,
  type MemberStatusView,
} from '@mall/shared'
import { api } from '../api'
import { formatInstant } from '../format'
import { ErrorBox, Loading, Panel, useAction, useAsync } from '../ui'
import { MemberRequestsPanel } from './member-requests'
import { StaffName } from '../staff-names'

/**
 * 账户操作 on a member's page: freeze or unfreeze (with a reason), adjust points (with a reason; at or
 * above the threshold a second operator approves), and the member's adjustment history. An erased account
 * (注销账号) is no one any more: it shows 已注销 and offers neither action (the server refuses them too).
 */
export function MemberActions({
  memberId,
  erased,
  onChanged,
}: {
  memberId: string
  erased: boolean
  onChanged: () => void
}) {
  const path = `/api/ops/members/${encodeURIComponent(memberId)}`
  const [status, reloadStatus] = useAsync(() => api<MemberStatusView>('GET', `${path}/status`), [memberId])
  const [changes, setChanges] = useState(0)
  const changed = () => {
    reloadStatus()
    setChanges((n) => n + 1)
    onChanged()
  }
  const { busy, message, setMessage, act } = useAction(changed)
  const [points, setPoints] = useState('')
  const [reason, setReason] = useState('')
  const [freezeReason, setFreezeReason] = useState('')
  const s = status.data

  const adjust = (e: FormEvent) => {
    e.preventDefault()
    const parsed = pointsAdjustmentRequest.safeParse({ points: Number(points), reason })
    if (!/^[+-]?\d+$/.test(points.trim()) || !parsed.success) {
      const bad = !/^[+-]?\d+$/.test(points.trim()) || Number(points) === 0 ? '调整积分（非 0 整数，可为负）' : '原因'
      return setMessage({ ok: false, text: `请检查：${bad}` })
    }
    void act(
      '',
      () => api<MemberRequestView>('POST', `${path}/points-adjustments`, parsed.data),
      (r) => {
        const req = r as MemberRequestView
        setMessage({
          ok: true,
          text:
            req.state === 'pending'
              ? `已提交审批：${req.points > 0 ? '+' : ''}${req.points} 积分，需另一位运营批准后入账`
              : `已调整 ${req.points > 0 ? '+' : ''}${req.points} 积分`,
        })
        setPoints('')
        setReason('')
      },
    )
  }
  const toggleFreeze = () => {
    if (!s) return
    if (!memberFreezeRequest.safeParse({ reason: freezeReason }).success)
      return setMessage({ ok: false, text: `请填写${s.frozen ? '解冻' : '冻结'}原因` })
    void act(s.frozen ? '已解冻，会员可以正常积分、消费和领券' : '已冻结，会员暂不能积分、消费或领券', () =>
      api('POST', `${path}/${s.frozen ? 'unfreeze' : 'freeze'}`, { reason: freezeReason.trim() }).then(() =>
        setFreezeReason(''),
      ),
    )
  }

  return (
    <>
      <Panel title='账户操作' testId='member-actions'>
        {status.status === 'error' && <ErrorBox error={status.error} onRetry={reloadStatus} />}
        {!s && status.status === 'loading' && <Loading />}
        {erased && (
          <div>
            <h3 className='sub-title'>账户状态</h3>
            <p data-testid='member-frozen-state'>
              <span className='tag paused'>已注销</span>
              <small className='muted'> 会员已注销账号，不能冻结、调整积分或查看个人信息</small>
            </p>
          </div>
        )}
        {s && !erased && (
          <div className='action-grid'>
            <div>
              <h3 className='sub-title'>账户状态</h3>
              <p data-testid='member-frozen-state'>
                {s.frozen ? <span className='tag paused'>已冻结</span> : <span className='tag active'>正常</span>}
                {s.changedAt && (
                  <small className='muted'>
                    {' '}
                    {s.frozen ? '冻结' : '解冻'}于 {formatInstant(s.changedAt).slice(0, 16)}，运营{' '}
                    <StaffName id={s.changedBy} />
                    ，原因：{s.reason}
                  </small>
                )}
              </p>
              <div className='inline-row'>
                <input
                  data-testid='member-freeze-reason'
                  value={freezeReason}
                  maxLength={200}
                  placeholder={s.frozen ? '解冻原因，如：本人核实' : '冻结原因，如：疑似盗号'}
                  onChange={(e) => setFreezeReason(e.target.value)}
                />
                <button
                  className={`btn${s.frozen ? '' : ' danger'}`}
                  type='button'
                  data-testid='member-freeze-toggle'
                  disabled={busy}
                  onClick={toggleFreeze}
                >
                  {s.frozen ? '解冻' : '冻结账户'}
                </button>
              </div>
            </div>
            <form onSubmit={adjust} noValidate>
              <h3 className='sub-title'>调整积分</h3>
              <div className='inline-row'>
                <input
                  className='short'
                  data-testid='member-adjust-points'
                  inputMode='numeric'
                  value={points}
                  placeholder='+200 或 -50'
                  onChange={(e) => setPoints(e.target.value)}
                />
                <input
                  data-testid='member-adjust-reason'
                  value={reason}
                  maxLength={200}
                  placeholder='原因，会员积分明细中可见'
                  onChange={(e) => setReason(e.target.value)}
                />
                <button className='btn btn-primary' type='submit' data-testid='member-adjust-submit' disabled={busy}>
                  提交
                </button>
              </div>
              <p className='hint'>
                单次调整达到 {s.approvalThreshold.toLocaleString('zh-CN')} 积分（增加或扣减）需另一位运营批准后入账。
              </p>
            </form>
          </div>
        )}
        {message && message.text && (
          <div
            className={message.ok ? 'notice success' : 'form-error'}
            role='status'
            data-testid='member-action-message'
          >
            {message.text}
          </div>
        )}
      </Panel>
      <MemberRequestsPanel
        title='积分调整记录'
        memberId={memberId}
        reloadKey={changes}
        onDecided={changed}
        testId='member-requests'
      />
    </>
  )
}
