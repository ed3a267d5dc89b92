import { useState } from 'react'
import { View, Text, Input, Button } from '@tarojs/components'
import type { AddressInput, AddressView } from '@mall/shared'
import { ApiError } from '../../services/api'
import { addAddress } from '../../services/mall'
import './index.css'

const EMPTY: AddressInput = { name: '', phone: '', region: '', detail: '' }

/**
 * 收货地址: the member's saved addresses to pick from, and a short form to add one (name, mobile,
 * region, street). Test hooks: address-option, address-add, address-input-<field>, address-save.
 */
export default function AddressPicker(props: {
  addresses: AddressView[]
  chosen: string | null
  onChoose: (addressId: string) => void
  onAdded: (a: AddressView) => void
}) {
  const { addresses, chosen, onChoose, onAdded } = props
  const [adding, setAdding] = useState(false)
  const [form, setForm] = useState<AddressInput>(EMPTY)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const save = async () => {
    if (busy) return
    if (!form.name.trim() || !form.region.trim() || !form.detail.trim()) return setError('请填写完整的收货信息')
    if (!/^1[3-9][0-9]{9}$/.test(form.phone)) return setError('请输入11位手机号')
    setBusy(true)
    try {
      const saved = await addAddress(form)
      setForm(EMPTY)
      setAdding(false)
      setError('')
      onAdded(saved)
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '保存失败，请重试')
    } finally {
      setBusy(false)
    }
  }

  const field = (key: keyof AddressInput, placeholder: string, type: 'text' | 'number' = 'text') => (
    <Input
      className={`address-input address-input-${key}`}
      type={type}
      placeholder={placeholder}
      value={form[key]}
      maxlength={key === 'detail' ? 120 : key === 'phone' ? 11 : 60}
      onInput={(e) => setForm({ ...form, [key]: e.detail.value })}
    />
  )

  return (
    <View className='surface gift-section'>
      <Text className='gift-section__title'>收货地址</Text>
      {addresses.map((a) => (
        <View
          key={a.addressId}
          className={`address-option ${a.addressId === chosen ? 'address-option--on' : ''}`}
          onClick={() => onChoose(a.addressId)}
        >
          <Text>
            {a.name} {a.phone}
          </Text>
          <Text className='muted'>
            {a.region} {a.detail}
          </Text>
        </View>
      ))}
      {adding ? (
        <View className='address-form'>
          {field('name', '收货人')}
          {field('phone', '手机号', 'number')}
          {field('region', '省市区')}
          {field('detail', '详细地址')}
          {error ? <Text className='error-text'>{error}</Text> : null}
          <Button className={`btn-quiet address-save ${busy ? 'is-busy' : ''}`} size='mini' onClick={() => void save()}>
            保存地址
          </Button>
        </View>
      ) : (
        <Text className='address-add' onClick={() => setAdding(true)}>
          + 新增收货地址
        </Text>
      )}
    </View>
  )
}
