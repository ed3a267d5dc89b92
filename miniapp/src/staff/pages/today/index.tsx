import { useEffect, useState } from 'react'
import Taro, { useDidHide, useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { StaffOperation } from '@mall/shared'
import {
  fetchTodayOperations,
  goToStaffLogin,
  isStaffLoggedIn,
  reversePurchase,
  undoCoupon,
} from '../../../services/staff'
import { formatPoints } from '../../../lib/format'
import { formatShanghaiDateTime, formatYuan } from '../../../lib/points-format'
import StateView from '../../components/state-view'
import { staffError, useStaffData } from '../../lib/use-staff-data'
import { canUndo, flagText, nextUndoDeadline, statusText } from '../../lib/staff-format'
import '../../staff.css'

/**
 * 今日操作: today's purchases and coupon redemptions (a clerk's own, a manager's whole store),
 * newest first. Undo is offered while the server's window is open; the button disappears on
 * time without a reload. Hooks: op-row, op-undo.
 */
export default function TodayPage() {
  const ops = useStaffData(fetchTodayOperations)
  const [now, setNow] = useState(Date.now())
  const [visible, setVisible] = useState(true)
  const [undoing, setUndoing] = useState<string | null>(null)
  // The server still lists an undone coupon redemption (its log keeps the redeem entry).
  const [undone, setUndone] = useState<ReadonlySet<string>>(new Set())

  useDidShow(() => {
    setVisible(true)
    setNow(Date.now())
    if (!isStaffLoggedIn()) {
      goToStaffLogin()
      return
    }
    void ops.reload()
  })
  useDidHide(() => setVisible(false))
  usePullDownRefresh(() => {
    void ops.reload().finally(() => Taro.stopPullDownRefresh())
  })

  // Re-render when the next undo button should disappear; no timers while hidden.
  const items = ops.data ?? []
  const deadline = visible ? nextUndoDeadline(items, now) : null
  useEffect(() => {
    if (deadline === null) return
    const timer = setTimeout(() => setNow(Date.now()), Math.max(200, deadline - Date.now() + 50))
    return () => clearTimeout(timer)
  }, [deadline])

  const undo = async (op: StaffOperation) => {
    if (undoing) return
    const { confirm } = await Taro.showModal({
      title: '确认撤销',
      content: op.kind === 'purchase' ? `撤销${op.title}的积分？` : `撤销该券的核销？`,
      confirmText: '撤销',
    })
    if (!confirm) return
    setUndoing(op.ref)
    try {
      if (op.kind === 'purchase') await reversePurchase(op.ref)
      else await undoCoupon(op.ref)
      setUndone((prev) => new Set(prev).add(`${op.kind}:${op.ref}`))
      void Taro.showToast({ title: '已撤销', icon: 'success' })
      await ops.reload()
    } catch (e) {
      void Taro.showToast({ title: staffError(e).message, icon: 'none' })
    } finally {
      setUndoing(null)
      setNow(Date.now())
    }
  }

  return (
    <View className='page staff-page'>
      <StateView
        loading={ops.loading}
        error={ops.error}
        hasData={ops.data !== null}
        empty={items.length === 0}
        emptyText='今天还没有操作记录'
        onRetry={() => void ops.reload()}
      />
      {ops.error && ops.data ? <Text className='staff-error'>{ops.error.message}</Text> : null}
      {items.length > 0 ? (
        <View className='surface'>
          {items.map((op) => (
            <OperationRow
              key={`${op.kind}:${op.ref}`}
              op={op}
              undoable={canUndo(op, now) && !undone.has(`${op.kind}:${op.ref}`)}
              busy={undoing === op.ref}
              onUndo={() => void undo(op)}
            />
          ))}
        </View>
      ) : null}
    </View>
  )
}

function OperationRow(props: { op: StaffOperation; undoable: boolean; busy: boolean; onUndo: () => void }) {
  const { op } = props
  const time = formatShanghaiDateTime(op.at).slice(11)
  const details = [
    op.amountFen !== null ? `¥${formatYuan(op.amountFen)}` : '',
    op.points !== null ? `${formatPoints(op.points)} 积分` : '',
    op.staffName,
  ].filter(Boolean)
  return (
    <View className='staff-row op-row'>
      <View className='staff-row__main'>
        <Text className='staff-row__title'>
          {time} {op.title}
        </Text>
        <Text className='muted'>{details.join(' · ')}</Text>
        <View className='staff-row__buttons'>
          <Text className={`staff-tag ${op.status === 'posted' || op.status === 'redeemed' ? 'staff-tag--ok' : ''}`}>
            {statusText(op.status)}
          </Text>
          {op.flags.map((f) => (
            <Text key={f} className='staff-tag staff-tag--warn op-flag'>
              {flagText(f)}
            </Text>
          ))}
        </View>
      </View>
      {props.undoable ? (
        <Button className='staff-btn-danger op-undo' loading={props.busy} onClick={props.onUndo}>
          撤销
        </Button>
      ) : null}
    </View>
  )
}
