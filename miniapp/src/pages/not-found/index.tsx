import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { HOME_PAGE } from '../../services/tabs'
import './index.css'

/** Where an unknown address lands (H5: a mistyped or outdated link) instead of a blank screen. */
export default function NotFoundPage() {
  return (
    <View className='page'>
      <View className='surface state-box not-found'>
        <Text className='not-found__title'>页面不存在</Text>
        <Text className='muted'>链接可能已过期或输入有误</Text>
        <Button className='btn-primary not-found__home' onClick={() => void Taro.reLaunch({ url: HOME_PAGE })}>
          返回首页
        </Button>
      </View>
    </View>
  )
}
