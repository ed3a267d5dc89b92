import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { shanghaiDateTime, type AccountDeletionStatus } from '@mall/shared'
import { useRemoteData } from '../../hooks/use-remote-data'
import { asApiError } from '../../services/action-error'
import { cancelDeletion, fetchDeletionStatus, requestDeletion } from '../../services/account-deletion'
import { goToLogin, isLoggedIn } from '../../services/session'
import { formatPoints } from '../../lib/format'
import RemoteState from '../../components/remote-state'
import './index.css'

/**
 * 注销账号: first what the member loses (the points with today's balance, the unused coupons, the tier), then an
 * explicit 我已了解 and a second confirmation before the request is sent. During the cooling-off the page says
 * when the account is erased and offers 撤销注销.
 */
export default function AccountDeletionPage() {
  const status = useRemoteData(fetchDeletionStatus)
  const [understood, setUnderstood] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  useDidShow(() => {
    if (!isLoggedIn()) return goToLogin()
    void status.reload()
  })

  const act = async (action: () => Promise<AccountDeletionStatus>, done: string) => {
    if (busy) return
    setBusy(true)
    setError('')
    try {
      await action()
      await status.reload()
      void Taro.showToast({ title: done, icon: 'success' })
    } catch (e) {
      setError(asApiError(e).message)
    } finally {
      setBusy(false)
    }
  }

  const ask = async (s: AccountDeletionStatus) => {
    const { confirm } = await Taro.showModal({
      title: '确认注销账号？',
      content: `提交后进入 ${s.coolingOffDays} 天冷静期，期间可随时撤销；期满后账号注销，无法恢复。`,
      confirmText: '确认注销',
      confirmColor: '#d93026',
      cancelText: '再想想',
    })
    if (confirm) await act(requestDeletion, '已提交注销申请')
  }

  const s = status.data
  if (!s) {
    return (
      <View className='page account-deletion-page'>
        <RemoteState
          remote={status}
          loadingText='加载中…'
          errorClass='deletion-error'
          loadingClass='deletion-loading'
        />
      </View>
    )
  }

  if (s.state === 'pending') {
    return (
      <View className='page account-deletion-page'>
        <View className='surface deletion-pending'>
          <Text className='deletion-pending__notice'>{s.notice}</Text>
          <Text className='muted'>申请时间：{shanghaiDateTime(s.requestedAt ?? '')}</Text>
          <Text className='muted'>冷静期内可随时撤销，撤销后账号、积分和优惠券照常使用。</Text>
          {error ? <Text className='error-text deletion-error-text'>{error}</Text> : null}
          <Button
            className='btn-primary deletion-cancel'
            loading={busy}
            disabled={busy || undefined}
            onClick={() => void act(cancelDeletion, '已撤销注销')}
          >
            撤销注销
          </Button>
        </View>
      </View>
    )
  }

  const { losses } = s
  return (
    <View className='page account-deletion-page'>
      <View className='surface deletion-losses'>
        <Text className='deletion-losses__title'>注销后，以下内容将被清除且无法恢复</Text>
        <View className='deletion-loss deletion-loss--points'>
          <Text>积分</Text>
          <Text className='deletion-loss__value'>{formatPoints(losses.pointsBalance)} 积分将作废</Text>
        </View>
        <View className='deletion-loss deletion-loss--coupons'>
          <Text>优惠券</Text>
          <Text className='deletion-loss__value'>{losses.activeCoupons} 张未使用的券将作废</Text>
        </View>
        <View className='deletion-loss deletion-loss--tier'>
          <Text>会员等级</Text>
          <Text className='deletion-loss__value'>{losses.tierName}及其权益将失效</Text>
        </View>
        <Text className='muted deletion-losses__note'>
          昵称、手机号、生日和小票照片将被删除；积分明细仅以匿名形式留作账务记录。提交后有 {s.coolingOffDays}{' '}
          天冷静期，期间登录即可撤销；期满后无法撤销。注销后用同一微信登录将注册为新会员。
        </Text>
      </View>
      <View
        className={`surface deletion-understand ${understood ? 'is-checked' : ''}`}
        onClick={() => setUnderstood(!understood)}
      >
        <Text className='deletion-understand__box'>{understood ? '☑' : '☐'}</Text>
        <Text>我已了解以上内容，自愿注销账号</Text>
      </View>
      {error ? <Text className='error-text deletion-error-text'>{error}</Text> : null}
      <Button
        className='btn-danger deletion-request'
        // Only a disabled button carries the attribute: Taro H5 renders disabled={false} as disabled="false",
        // which [disabled] styles (ours and Taro's greyed text) still match.
        disabled={!understood || busy || undefined}
        loading={busy}
        onClick={() => (understood ? void ask(s) : undefined)}
      >
        申请注销
      </Button>
    </View>
  )
}
