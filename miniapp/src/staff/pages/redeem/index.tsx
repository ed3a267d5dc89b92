import { useRef } from 'react'
import { getCurrentInstance } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import { previewCoupon, redeemCoupon } from '../../../services/staff'
import { validityRangeText } from '../../../lib/coupon-format'
import { formatShanghaiDateTime } from '../../../lib/points-format'
import CodeEntry from '../../components/code-entry'
import { ScanActions, ScanStatus } from '../../components/scan-decision'
import { useScanFlow } from '../../lib/use-scan-flow'
import { couponReasonText } from '../../lib/staff-format'
import '../../staff.css'
import './index.css'

/**
 * 扫券核销: scan / type the coupon code -> preview (what, whose, usable here?) -> redeem ->
 * result. Hooks: coupon-code-input, coupon-code-submit, coupon-preview, preview-usable,
 * preview-reason, redeem-error, redeem-confirm, redeem-result, redeem-again.
 */
export default function RedeemPage() {
  // Captured before any scan: the router can be gone after Taro.scanCode returns on devices.
  const params = useRef(getCurrentInstance().router?.params ?? {})
  const flow = useScanFlow(previewCoupon, redeemCoupon)
  const { preview, result: redeemed, busy, error } = flow

  if (redeemed) {
    return (
      <View className='page staff-page'>
        <View className='surface staff-section state-box redeem-result'>
          <Text className='redeem-result__headline'>
            {redeemed.repeat ? '该券已由你核销，无需重复操作' : '核销成功'}
          </Text>
          <Text className='coupon-preview__headline'>{redeemed.headline}</Text>
          <Text>{redeemed.name}</Text>
          <Text className='muted'>
            {redeemed.redeemedAt ? `核销时间 ${formatShanghaiDateTime(redeemed.redeemedAt)}` : ''}
          </Text>
          <Text className='muted'>如需撤销，请在「今日操作」中 10 分钟内撤销</Text>
        </View>
        <Button className='btn-primary redeem-again' onClick={flow.restart}>
          继续核销
        </Button>
      </View>
    )
  }

  if (!preview) {
    return (
      <View className='page staff-page'>
        <CodeEntry
          what='券码'
          inputClass='coupon-code-input'
          submitClass='coupon-code-submit'
          busy={busy}
          error={error}
          initialCode={params.current.code ? decodeURIComponent(params.current.code) : ''}
          onSubmit={flow.lookUp}
        />
      </View>
    )
  }

  const { coupon, member, usable, reason } = preview
  return (
    <View className='page staff-page'>
      <View className='surface staff-section coupon-preview'>
        <Text className='coupon-preview__headline'>{coupon.headline}</Text>
        <Text className='coupon-preview__name'>{coupon.name}</Text>
        <View className='staff-kv'>
          <Text className='staff-kv__key'>有效期</Text>
          <Text className='muted'>{validityRangeText(coupon.validFrom, coupon.validTo)}</Text>
        </View>
        <View className='staff-kv'>
          <Text className='staff-kv__key'>会员</Text>
          <Text className='preview-member'>
            {member.nickname}（{member.memberNo}）
          </Text>
        </View>
        <ScanStatus
          usable={usable}
          usableText='可核销'
          reasonText={couponReasonText(reason)}
          usableClass='preview-usable'
          reasonClass='preview-reason'
        />
      </View>
      <ScanActions
        hook='redeem'
        usable={usable}
        busy={busy}
        error={error}
        confirmText='确认核销'
        onConfirm={flow.confirm}
        onCancel={flow.restart}
      />
    </View>
  )
}
