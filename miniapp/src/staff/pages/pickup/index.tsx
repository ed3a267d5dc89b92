import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import { shanghaiDateTime, type GiftRedemption, type ScannedPickup } from '@mall/shared'
import { goToStaffLogin, isStaffLoggedIn } from '../../../services/staff'
import { handOverGift, previewPickup } from '../../../services/mall-staff'
import CodeEntry from '../../components/code-entry'
import { staffError } from '../../lib/use-staff-data'
import '../../staff.css'
import './index.css'

const REASONS: Record<string, string> = {
  ALREADY_DECIDED: '该礼品已领取、已取消或已过期',
  EXPIRED: '已超过领取期限',
}

/**
 * 礼品核销 (service desk): scan / type the member's pickup code -> what gift, whose, can it be handed
 * over -> 确认发放 -> done; the member's page then shows 已领取. Hooks: pickup-code-input,
 * pickup-code-submit, pickup-preview, pickup-usable, pickup-reason, pickup-confirm, pickup-result, pickup-error.
 */
export default function PickupPage() {
  const [code, setCode] = useState('')
  const [preview, setPreview] = useState<ScannedPickup | null>(null)
  const [done, setDone] = useState<GiftRedemption | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  useDidShow(() => {
    if (!isStaffLoggedIn()) goToStaffLogin()
  })

  const run = async (action: () => Promise<void>) => {
    if (busy) return
    setBusy(true)
    setError('')
    try {
      await action()
    } catch (e) {
      setError(staffError(e).message)
    } finally {
      setBusy(false)
    }
  }
  const restart = () => {
    setPreview(null)
    setDone(null)
    setCode('')
    setError('')
  }

  if (done) {
    return (
      <View className='page staff-page'>
        <View className='surface staff-section state-box pickup-result'>
          <Text className='pickup-result__headline'>发放成功</Text>
          <Text>{done.giftName}</Text>
          <Text className='muted'>{done.decidedAt ? `发放时间 ${shanghaiDateTime(done.decidedAt)}` : ''}</Text>
        </View>
        <Button className='btn-primary pickup-again' onClick={restart}>
          继续核销
        </Button>
      </View>
    )
  }
  if (!preview) {
    return (
      <View className='page staff-page'>
        <CodeEntry
          what='提货码'
          inputClass='pickup-code-input'
          submitClass='pickup-code-submit'
          busy={busy}
          error={error}
          onSubmit={(value) =>
            void run(async () => {
              setPreview(await previewPickup(value))
              setCode(value)
            })
          }
        />
      </View>
    )
  }
  const { redemption, member, usable, reason } = preview
  return (
    <View className='page staff-page'>
      <View className='surface staff-section pickup-preview'>
        <Text className='pickup-preview__name'>{redemption.giftName}</Text>
        <View className='staff-kv'>
          <Text className='staff-kv__key'>会员</Text>
          <Text>
            {member.nickname}（{member.memberNo}）
          </Text>
        </View>
        <View className='staff-kv'>
          <Text className='staff-kv__key'>兑换时间</Text>
          <Text className='muted'>{shanghaiDateTime(redemption.redeemedAt)}</Text>
        </View>
        <View className='staff-kv'>
          <Text className='staff-kv__key'>状态</Text>
          {usable ? (
            <Text className='staff-tag staff-tag--ok pickup-usable'>可发放</Text>
          ) : (
            <Text className='staff-tag staff-tag--warn pickup-reason'>
              {REASONS[reason ?? ''] ?? redemption.statusText}
            </Text>
          )}
        </View>
      </View>
      {error ? <Text className='staff-error pickup-error'>{error}</Text> : null}
      <View className='staff-actions'>
        {usable ? (
          <Button
            className={`btn-primary pickup-confirm ${busy ? 'is-busy' : ''}`}
            loading={busy}
            onClick={() => void run(async () => setDone(await handOverGift(code)))}
          >
            确认发放
          </Button>
        ) : null}
        <Button className='staff-btn-secondary pickup-cancel' onClick={() => !busy && restart()}>
          {usable ? '取消' : '重新扫码'}
        </Button>
      </View>
    </View>
  )
}
