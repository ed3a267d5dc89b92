import { useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { PurchaseResult } from '@mall/shared'
import { decidePurchase, fetchPendingApprovals, goToStaffLogin, isStaffLoggedIn } from '../../../services/staff'
import { formatPoints } from '../../../lib/format'
import { formatShanghaiDateTime, formatYuan } from '../../../lib/points-format'
import StateView from '../../components/state-view'
import { staffError, useStaffData } from '../../lib/use-staff-data'
import '../../staff.css'

/**
 * 待审批 (managers): purchases over the auto-approve limit, oldest first, with 通过 / 拒绝.
 * Hooks: approval-row, approve-button, reject-button.
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
    if (!approve) {
      const { confirm } = await Taro.showModal({
        title: '拒绝积分',
        content: `拒绝小票 ${p.receiptNo} 的积分申请？`,
        confirmText: '拒绝',
      })
      if (!confirm) return
    }
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
            <View key={p.purchaseId} className='staff-row approval-row'>
              <View className='staff-row__main'>
                <Text className='staff-row__title'>小票 {p.receiptNo}</Text>
                <Text>
                  ¥{formatYuan(p.amountFen)} · {formatPoints(p.points)} 积分
                </Text>
                <Text className='muted'>
                  {formatShanghaiDateTime(p.createdAt)} · {p.staffId}
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
