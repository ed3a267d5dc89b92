import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { useRemoteData } from '../../hooks/use-remote-data'
import { asApiError } from '../../services/action-error'
import { cancelDeletion, fetchDeletionStatus } from '../../services/account-deletion'
import './index.css'

/**
 * While a deletion request waits out its cooling-off, the member sees on logging in '账号将于 X月X日 注销' and can
 * take it back here (撤销注销). Shows nothing otherwise, and nothing when the status cannot be read.
 */
export default function DeletionBanner(props: { onCancelled?: () => void }) {
  const status = useRemoteData(fetchDeletionStatus)
  const [busy, setBusy] = useState(false)
  useDidShow(() => {
    void status.reload()
  })

  const s = status.data
  if (!s || s.state !== 'pending') return null

  const undo = async () => {
    if (busy) return
    setBusy(true)
    try {
      await cancelDeletion()
      await status.reload()
      void Taro.showToast({ title: '已撤销注销', icon: 'success' })
      props.onCancelled?.()
    } catch (e) {
      void Taro.showToast({ title: asApiError(e).message, icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='deletion-banner'>
      <View className='deletion-banner__text'>
        <Text className='deletion-banner__notice'>{s.notice}</Text>
        <Text className='deletion-banner__hint'>撤销后账号、积分和优惠券照常使用</Text>
      </View>
      <Button className='btn-quiet deletion-banner__undo' size='mini' loading={busy} onClick={() => void undo()}>
        撤销注销
      </Button>
    </View>
  )
}
