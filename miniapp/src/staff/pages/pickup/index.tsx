import { View, Text, Button } from '@tarojs/components'
import { shanghaiDateTime } from '@mall/shared'
import { handOverGift, previewPickup } from '../../../services/mall-staff'
import CodeEntry from '../../components/code-entry'
import { ScanActions, ScanStatus } from '../../components/scan-decision'
import { useScanFlow } from '../../lib/use-scan-flow'
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
  const flow = useScanFlow(previewPickup, handOverGift)
  const { preview, result: done, busy, error } = flow

  if (done) {
    return (
      <View className='page staff-page'>
        <View className='surface staff-section state-box pickup-result'>
          <Text className='pickup-result__headline'>发放成功</Text>
          <Text>{done.giftName}</Text>
          <Text className='muted'>{done.decidedAt ? `发放时间 ${shanghaiDateTime(done.decidedAt)}` : ''}</Text>
        </View>
        <Button className='btn-primary pickup-again' onClick={flow.restart}>
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
          onSubmit={flow.lookUp}
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
        <ScanStatus
          usable={usable}
          usableText='可发放'
          reasonText={REASONS[reason ?? ''] ?? redemption.statusText}
          usableClass='pickup-usable'
          reasonClass='pickup-reason'
        />
      </View>
      <ScanActions
        hook='pickup'
        usable={usable}
        busy={busy}
        error={error}
        confirmText='确认发放'
        onConfirm={flow.confirm}
        onCancel={flow.restart}
      />
    </View>
  )
}
