import { shanghaiDay } from '@mall/shared'
import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Picker, Text, View } from '@tarojs/components'
import { api, ApiError } from '../../services/api'
import '../phone-row/index.css'

interface Props {
  birthday: string | null | undefined
  /** reloads the card after the birthday is saved */
  onSaved: () => Promise<void> | void
}

const today = () => shanghaiDay(new Date())

/**
 * The member's birthday, for the birthday gift of their tier. Set once here (confirmed first,
 * because a birthday that could be changed freely could be moved to collect the gift twice).
 */
export default function BirthdayRow({ birthday, onSaved }: Props) {
  const [saving, setSaving] = useState(false)

  const choose = async (value: string) => {
    const { confirm } = await Taro.showModal({
      title: '确认生日',
      content: `生日设置后不可自行修改，确认为 ${value}？`,
      confirmText: '确认',
    })
    if (!confirm) return
    setSaving(true)
    try {
      await api.post('/api/me/birthday', { birthday: value })
      void Taro.showToast({ title: '已设置，生日月可领生日礼', icon: 'none' })
      await onSaved()
    } catch (err) {
      void Taro.showToast({ title: err instanceof ApiError ? err.message : '设置失败，请重试', icon: 'none' })
    } finally {
      setSaving(false)
    }
  }

  return (
    <View className='surface phone-row' data-testid='birthday-row'>
      <Text className='phone-row__label'>生日</Text>
      {birthday ? (
        <Text className='phone-row__value' data-testid='birthday-value'>
          {birthday}
        </Text>
      ) : (
        <Picker
          mode='date'
          value='1990-01-01'
          start='1900-01-01'
          end={today()}
          disabled={saving || undefined}
          onChange={(e) => void choose(String(e.detail.value))}
        >
          <Text className='phone-row__bind' data-testid='birthday-set'>
            {saving ? '保存中…' : '设置生日，生日月领好礼 ›'}
          </Text>
        </Picker>
      )}
    </View>
  )
}
