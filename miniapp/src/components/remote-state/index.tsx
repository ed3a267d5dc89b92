import { View, Text, Button } from '@tarojs/components'
import type { RemoteData } from '../../hooks/use-remote-data'

/**
 * What a page shows in place of a useRemoteData resource that has no data yet: its zh-CN error
 * with a 重试 button, otherwise a loading line. Pages render it only while `data` is null (old
 * data stays on screen while reloading) and keep their own empty state. The class names are
 * the page's test hooks, e.g. errorClass='tier-error' loadingClass='tier-skeleton'.
 */
export default function RemoteState(props: {
  remote: Pick<RemoteData<unknown>, 'error' | 'reload'>
  loadingText: string
  errorClass: string
  loadingClass: string
}) {
  const { remote, loadingText, errorClass, loadingClass } = props
  if (remote.error) {
    return (
      <View className={`surface state-box ${errorClass}`}>
        <Text className='error-text'>{remote.error.message}</Text>
        <Button className='btn-quiet' size='mini' onClick={() => void remote.reload()}>
          重试
        </Button>
      </View>
    )
  }
  return (
    <View className={`surface state-box ${loadingClass}`}>
      <Text className='muted'>{loadingText}</Text>
    </View>
  )
}
