import { useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Button, Input, Picker, Text, View } from '@tarojs/components'
import { POINTS_CLAIM_REJECT_REASONS_ZH, pointsClaimRejectReason, type PointsClaim } from '@mall/shared'
import { goToStaffLogin, isStaffLoggedIn } from '../../../services/staff'
import { decideClaim, fetchClaimQueue } from '../../../services/points-claims'
import { formatShanghaiDateTime, formatYuan } from '../../../lib/points-format'
import { parseYuanToFen } from '../../lib/staff-format'
import StateView from '../../components/state-view'
import { staffError, useStaffData } from '../../lib/use-staff-data'
import '../../staff.css'
import './index.css'

const REASONS = pointsClaimRejectReason.options
const toast = (title: string) => void Taro.showToast({ title, icon: 'none' })

/**
 * 积分补登 (the service desk's store and operators): members' 积分未到账 claims the mall could not match to a
 * purchase, oldest first. Opening one shows what the member reported; 通过 posts the points through the earn
 * pipeline as 服务台补登 (the amount may be corrected from the receipt), 驳回 takes a listed reason.
 * Hooks: claim-queue-row, claim-open, claim-approve-amount, claim-approve, claim-reject-reason, claim-reject.
 */
export default function ClaimReviewPage() {
  const queue = useStaffData(fetchClaimQueue)
  const [open, setOpen] = useState<string | null>(null)

  useDidShow(() => {
    if (!isStaffLoggedIn()) return goToStaffLogin()
    void queue.reload()
  })
  usePullDownRefresh(() => {
    void queue.reload().finally(() => Taro.stopPullDownRefresh())
  })

  if (queue.error?.code === 'AUTH.FORBIDDEN') {
    return (
      <View className='page staff-page'>
        <View className='surface state-box claim-not-desk'>
          <Text className='muted'>积分补登由商场服务台处理，当前账号没有这项权限</Text>
        </View>
      </View>
    )
  }
  const items = queue.data ?? []
  return (
    <View className='page staff-page'>
      <StateView
        loading={queue.loading}
        error={queue.error}
        hasData={queue.data !== null}
        empty={items.length === 0}
        emptyText='暂无待处理的补登申请'
        onRetry={() => void queue.reload()}
      />
      {items.length > 0 ? <Text className='muted claim-queue-count'>待处理 {items.length} 条</Text> : null}
      {items.map((c) => (
        <View key={c.claimId} className='surface claim-queue-row'>
          <View className='staff-row__main claim-open' onClick={() => setOpen(open === c.claimId ? null : c.claimId)}>
            <Text className='staff-row__title'>
              {c.storeName} · ¥{formatYuan(c.amountFen)}
            </Text>
            <Text className='muted'>
              消费于 {formatShanghaiDateTime(c.purchasedAt)}
              {c.receiptNo ? ` · 小票号 ${c.receiptNo}` : ''}
              {c.transactionId ? ` · 微信支付单号 ${c.transactionId}` : ''}
            </Text>
            <Text className='muted'>申请于 {formatShanghaiDateTime(c.createdAt)}</Text>
          </View>
          {open === c.claimId ? (
            <ClaimPanel
              claim={c}
              onDecided={() => {
                setOpen(null)
                void queue.reload()
              }}
            />
          ) : null}
        </View>
      ))}
    </View>
  )
}

function ClaimPanel({ claim, onDecided }: { claim: PointsClaim; onDecided: () => void }) {
  const [amount, setAmount] = useState((claim.amountFen / 100).toFixed(2))
  const [reason, setReason] = useState(-1)
  const [busy, setBusy] = useState(false)

  const decide = async (decision: Parameters<typeof decideClaim>[1], done: (c: PointsClaim) => string) => {
    if (busy) return
    setBusy(true)
    try {
      toast(done(await decideClaim(claim.claimId, decision)))
      onDecided()
    } catch (e) {
      toast(staffError(e).message)
    } finally {
      setBusy(false)
    }
  }
  const approve = () => {
    const parsed = parseYuanToFen(amount)
    if (!parsed.ok) return toast(parsed.message)
    void decide({ action: 'approve', amountFen: parsed.value }, (c) => `已补登 +${c.points} 积分`)
  }
  const reject = () => {
    const code = REASONS[reason]
    if (!code) return toast('请选择驳回原因')
    void decide({ action: 'reject', reason: code }, () => '已驳回')
  }

  return (
    <View className='claim-review'>
      <Text className='claim-review__label'>核实后的消费金额（元），按小票或支付记录填写</Text>
      <Input
        className='staff-input claim-approve-amount'
        type='digit'
        value={amount}
        onInput={(e) => setAmount(e.detail.value)}
      />
      <Button className={`btn-primary claim-approve ${busy ? 'is-busy' : ''}`} onClick={approve}>
        通过并补登积分
      </Button>
      <Picker
        mode='selector'
        range={REASONS.map((r) => POINTS_CLAIM_REJECT_REASONS_ZH[r])}
        onChange={(e) => setReason(Number(e.detail.value))}
      >
        <Text className='staff-input claim-reject-reason'>
          {reason >= 0 ? POINTS_CLAIM_REJECT_REASONS_ZH[REASONS[reason]!] : '选择驳回原因'}
        </Text>
      </Picker>
      <Button className='staff-btn-danger claim-reject' onClick={reject}>
        驳回
      </Button>
    </View>
  )
}
