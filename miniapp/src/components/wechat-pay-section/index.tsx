import Taro from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { MemberWechatPayStatus } from '@mall/shared'
import { POINTS_PLUGIN, POINTS_PLUGIN_NAME } from '../../services/wechat-pay'

const isWeapp = process.env.TARO_ENV === 'weapp'

/**
 * 微信支付自动积分 (智慧商圈): whether it is on; in weapp a button to WeChat's authorisation plugin, in
 * H5 how to turn it on inside WeChat. Test hooks: wechat-pay-section (state in data-state), wechat-pay-open.
 */
export default function WechatPaySection({ status }: { status: MemberWechatPayStatus }) {
  const canOpenPlugin = isWeapp && POINTS_PLUGIN !== '' && status.pluginQuery !== null
  const onTap = () => {
    void Taro.navigateTo({ url: `plugin://${POINTS_PLUGIN_NAME}/index?${status.pluginQuery}` })
  }
  return (
    <View className='surface wallet-section wechat-pay-section' data-state={status.state}>
      <Text className='wallet-section__title'>微信支付自动积分</Text>
      {status.enabled ? (
        <Text className='muted'>已开通：在商场内门店用微信支付，积分自动到账。</Text>
      ) : (
        <Text className='muted'>
          {status.state === 'DEAUTHORIZED' ? '已关闭。' : '未开通。'}
          开通后在商场内门店用微信支付，积分自动到账，无需出示会员码。
        </Text>
      )}
      {status.enabled ? null : canOpenPlugin ? (
        <Button className='btn-quiet wechat-pay-open' size='mini' onClick={onTap}>
          去开通
        </Button>
      ) : (
        <Text className='muted'>
          {isWeapp
            ? '请稍后在本页开通。'
            : '请在微信中打开本商场小程序，进入「积分钱包」，点「去开通」授权「商圈会员快速积分」。'}
        </Text>
      )}
    </View>
  )
}
