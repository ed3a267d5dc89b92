import Taro, { useDidShow } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import {
  STAFF_LOGIN_PAGE,
  STAFF_PAGES,
  cachedStaffProfile,
  fetchStaffMe,
  goToStaffLogin,
  isStaffLoggedIn,
  staffLogout,
} from '../../../services/staff'
import { useStaffData } from '../../lib/use-staff-data'
import { staffTiles, type StaffTile } from '../../lib/staff-format'
import '../../staff.css'
import './index.css'

const TILES: Record<StaffTile, { title: string; hint: string }> = {
  award: { title: '扫会员码积分', hint: '消费后为会员发放积分' },
  redeem: { title: '扫券核销', hint: '核销会员优惠券' },
  today: { title: '今日操作', hint: '查看与撤销今日记录' },
  approvals: { title: '待审批', hint: '大额积分审批' },
  daily: { title: '门店日报', hint: '今日门店汇总' },
  pickup: { title: '礼品核销', hint: '积分商城礼品发放' },
  receipts: { title: '小票审核', hint: '会员拍照上传的小票' },
  claims: { title: '积分补登', hint: '会员申报的未到账积分' },
}

/**
 * 工作台: greeting, the tiles the role may use, logout. The profile cached at login renders
 * immediately; /api/staff/me refreshes it (role or store changes). Hooks: staff-greeting,
 * tile-<name>, staff-logout.
 */
export default function StaffHomePage() {
  const me = useStaffData(fetchStaffMe, cachedStaffProfile())

  useDidShow(() => {
    if (!isStaffLoggedIn()) {
      goToStaffLogin()
      return
    }
    void me.reload()
  })

  const logout = () => {
    staffLogout()
    void Taro.reLaunch({ url: STAFF_LOGIN_PAGE })
  }

  const profile = me.data
  return (
    <View className='page staff-page'>
      {profile ? (
        <View className='surface staff-greeting'>
          <Text className='staff-greeting__name'>您好，{profile.displayName}</Text>
          <Text className='muted staff-store'>
            {profile.storeName ?? (profile.role === 'operator' ? '商场运营' : '')}
          </Text>
        </View>
      ) : me.error ? (
        <View className='surface state-box'>
          <Text className='error-text'>{me.error.message}</Text>
          <Button className='staff-btn-secondary' onClick={() => void me.reload()}>
            重试
          </Button>
        </View>
      ) : (
        <View className='surface state-box'>
          <Text className='muted'>加载中…</Text>
        </View>
      )}

      {profile ? (
        <View className='staff-tiles'>
          {staffTiles(profile.role, profile.storeId).map((tile, i) => (
            <View
              key={tile}
              className={`staff-tile tile-${tile} ${i === 0 ? 'staff-tile--primary' : ''}`}
              hoverClass='staff-tile--pressed'
              onClick={() => void Taro.navigateTo({ url: STAFF_PAGES[tile] })}
            >
              <Text className='staff-tile__title'>{TILES[tile].title}</Text>
              <Text className='staff-tile__hint'>{TILES[tile].hint}</Text>
            </View>
          ))}
        </View>
      ) : null}

      <Button className='staff-btn-secondary staff-logout' onClick={logout}>
        退出登录
      </Button>
    </View>
  )
}
