import Taro, { useDidShow } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { goToLogin, isLoggedIn } from '../../services/session'
import { ACCOUNT_DELETION_PAGE } from '../../services/account-deletion'
import DeletionBanner from '../../components/deletion-banner'
import './index.css'

/** 账号与安全: the account's own settings; 注销账号 opens its page (what is lost, the cooling-off). */
export default function AccountSecurityPage() {
  useDidShow(() => {
    if (!isLoggedIn()) goToLogin()
  })

  return (
    <View className='page account-security-page'>
      <DeletionBanner />
      <View className='surface account-security-menu'>
        <View
          className='account-security__item account-to-deletion'
          onClick={() => void Taro.navigateTo({ url: ACCOUNT_DELETION_PAGE })}
        >
          <Text>注销账号</Text>
          <Text className='muted'>注销后积分和优惠券将作废 ›</Text>
        </View>
      </View>
    </View>
  )
}
