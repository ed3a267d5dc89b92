import Taro, { useDidShow } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { deletionDayLabel } from '@mall/shared'
import { goToLogin, isLoggedIn } from '../../services/session'
import { ACCOUNT_DELETION_PAGE, fetchDeletionStatus } from '../../services/account-deletion'
import { useRemoteData } from '../../hooks/use-remote-data'
import DeletionBanner from '../../components/deletion-banner'
import './index.css'

/**
 * 账号与安全: the account's own settings; 注销账号 opens its page (what is lost, the cooling-off). While a request
 * is pending the row says when the account goes, not what a new request would lose.
 */
export default function AccountSecurityPage() {
  const deletion = useRemoteData(fetchDeletionStatus)
  useDidShow(() => {
    if (!isLoggedIn()) goToLogin()
    else void deletion.reload()
  })

  const s = deletion.data
  const hint =
    s?.state === 'pending' && s.dueAt
      ? `已申请，将于 ${deletionDayLabel(new Date(s.dueAt))} 注销`
      : '注销后积分和优惠券将作废'

  return (
    <View className='page account-security-page'>
      <DeletionBanner onCancelled={() => void deletion.reload()} />
      <View className='surface account-security-menu'>
        <View
          className='account-security__item account-to-deletion'
          onClick={() => void Taro.navigateTo({ url: ACCOUNT_DELETION_PAGE })}
        >
          <Text>注销账号</Text>
          <Text className='muted account-deletion-hint'>{hint} ›</Text>
        </View>
      </View>
    </View>
  )
}
