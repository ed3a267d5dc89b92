import { useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { PurchaseResult } from '@mall/shared'
import { decidePurchase, fetchPendingApprovals, goToStaffLogin, isStaffLoggedIn } from '../../../services/staff'
import { formatMemberNo, formatPoints } from '../../../lib/format'
import { formatShanghaiDateTime, formatYuan } from '../../../lib/points-format'
import StateView from '../../components/state-view'
import { staffError, useStaffData } from '../../lib/use-staff-data'
import '../../staff.css'

/**
 * 待审批 (managers): purchases over the auto-approve limit, oldest first: the member, the amount, the
 * points it is expected to earn, the clerk and the time, with 通过 / 拒绝 (each confirmed first).
 * Hooks: approval-row, approval-member, approval-amount, approval-meta, approve-button, reject-button.
 */
export default function ApprovalsPage() {
  const pending = useStaffData(fetchPendingApprovals)
  const [deciding, setDeciding] = useState<string | null>(null)

  useDidShow(() => {
    if (!isStaffLoggedIn()) {
      goToStaffLogin()
      return
    }
    void pending.reload()
  })
  usePullDownRefresh(() => {
    void pending.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const decide = async (p: PurchaseResult, approve: boolean) => {
    if (deciding) return
    // Both decisions are asked first: a mis-tap on 通过 posts points that only an undo takes back.
    // Short lines: a dialog wraps long ones mid-number (12,80 / 0).
    const { confirm } = await Taro.showModal({
      title: `${approve ? '通过并发放' : '拒绝'} ${formatPoints(p.points)} 积分？`,
      content: `${p.memberName ?? '会员'} 消费 ¥${formatYuan(p.amountFen)}`,
      confirmText: approve ? '通过' : '拒绝',
      cancelText: '再想想',
    })
    if (!confirm) return
    setDeciding(p.receiptNo)
    try {
      await decidePurchase(p.receiptNo, approve)
      void Taro.showToast({ title: approve ? '已通过' : '已拒绝', icon: 'success' })
    } catch (e) {
      void Taro.showToast({ title: staffError(e).message, icon: 'none' })
    } finally {
      setDeciding(null)
    }
    await pending.reload()
  }

  const items = pending.data ?? []
  return (
    <View className='page staff-page'>
      <StateView
        loading={pending.loading}
        error={pending.error}
        hasData={pending.data !== null}
        empty={items.length === 0}
        emptyText='暂无待审批的积分'
        onRetry={() => void pending.reload()}
      />
      {items.length > 0 ? (
        <View className='surface'>
          {items.map((p) => (
            <View key={p.purchaseId} className='staff-row staff-row--stacked approval-row'>
              <View className='staff-row__main'>
                <Text className='staff-row__title approval-member'>{p.memberName ?? '会员'}</Text>
                <Text className='muted'>会员号 {formatMemberNo(p.memberId)}</Text>
                <Text className='approval-amount'>
                  消费 ¥{formatYuan(p.amountFen)} · 预计 {formatPoints(p.points)} 积分
                </Text>
                <Text className='muted approval-meta'>
                  小票 {p.receiptNo} · 店员 {p.staffName ?? p.staffId} · {formatShanghaiDateTime(p.createdAt)}
                </Text>
              </View>
              <View className='staff-row__buttons'>
                <Button className='staff-btn-danger reject-button' onClick={() => void decide(p, false)}>
                  拒绝
                </Button>
                <Button
                  className={`btn-primary approve-button ${deciding === p.receiptNo ? 'is-busy' : ''}`}
                  loading={deciding === p.receiptNo}
                  onClick={() => void decide(p, true)}
                >
                  通过
                </Button>
              </View>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  )
}
