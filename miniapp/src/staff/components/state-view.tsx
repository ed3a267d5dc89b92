import { View, Text, Button } from '@tarojs/components'
import type { ApiError } from '../../services/api'

/**
 * Loading / error / empty placeholder for a staff list or summary. Renders nothing once there is
 * data to show (old data stays visible while reloading).
 */
export default function StateView(props: {
  loading: boolean
  error: ApiError | null
  empty: boolean
  hasData: boolean
  emptyText: string
  onRetry: () => void
}) {
  const { loading, error, empty, hasData, emptyText, onRetry } = props
  if (error && !hasData) {
    return (
      <View className='surface state-box staff-state-error'>
        <Text className='error-text'>{error.message}</Text>
        <Button className='staff-btn-secondary' onClick={onRetry}>
          重试
        </Button>
      </View>
    )
  }
  if (!hasData) {
    return (
      <View className='surface state-box staff-state-loading'>
        <Text className='muted'>{loading ? '加载中…' : ''}</Text>
      </View>
    )
  }
  if (empty) {
    return (
      <View className='surface state-box staff-state-empty'>
        <Text className='muted'>{emptyText}</Text>
      </View>
    )
  }
  return null
}
