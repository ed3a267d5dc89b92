import { useRef, useState } from 'react'
import { getCurrentInstance, useDidShow } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { MemberCoupon, ScannedCoupon } from '@mall/shared'
import { goToStaffLogin, isStaffLoggedIn, previewCoupon, redeemCoupon } from '../../../services/staff'
import { validityRangeText } from '../../../lib/coupon-format'
import { formatShanghaiDateTime } from '../../../lib/points-format'
import CodeEntry from '../../components/code-entry'
import { staffError } from '../../lib/use-staff-data'
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
  const [code, setCode] = useState('')
  const [preview, setPreview] = useState<ScannedCoupon | null>(null)
  const [redeemed, setRedeemed] = useState<MemberCoupon | null>(null)
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

  const lookUp = (value: string) =>
    void run(async () => {
      setPreview(await previewCoupon(value))
      setCode(value)
    })

  const redeem = () =>
    void run(async () => {
      setRedeemed(await redeemCoupon(code))
    })

  const restart = () => {
    setPreview(null)
    setRedeemed(null)
    setCode('')
    setError('')
  }

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
        <Button className='btn-primary redeem-again' onClick={restart}>
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
          onSubmit={lookUp}
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
        <View className='staff-kv'>
          <Text className='staff-kv__key'>状态</Text>
          {usable ? (
            <Text className='staff-tag staff-tag--ok preview-usable'>可核销</Text>
          ) : (
            <Text className='staff-tag staff-tag--warn preview-reason'>{couponReasonText(reason)}</Text>
          )}
        </View>
      </View>
      {error ? <Text className='staff-error redeem-error'>{error}</Text> : null}
      <View className='staff-actions'>
        {usable ? (
          <Button className={`btn-primary redeem-confirm ${busy ? 'is-busy' : ''}`} loading={busy} onClick={redeem}>
            确认核销
          </Button>
        ) : null}
        <Button className='staff-btn-secondary redeem-cancel' onClick={() => !busy && restart()}>
          {usable ? '取消' : '重新扫码'}
        </Button>
      </View>
    </View>
  )
}
