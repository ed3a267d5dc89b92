import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { StoreDaySummary } from '@mall/shared'
import { ApiError } from '../../services/api'
import { reportStoreSales } from '../../services/staff'
import { formatPercent, formatYuan } from '../../lib/points-format'
import { parseYuanToFen } from '../lib/staff-format'

/**
 * 全店销售额申报 (managers): the day's takings from the till, members and non-members together.
 * With it the dashboard shows the member share of sales; without it the store-day is left out.
 */
export default function SalesReport({
  summary,
  onSaved,
}: {
  summary: StoreDaySummary
  onSaved: () => Promise<void> | void
}) {
  const declared = summary.declared ?? null
  const [amount, setAmount] = useState('')
  const [receipts, setReceipts] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const submit = async () => {
    if (saving) return
    const fen = parseYuanToFen(amount)
    if (!fen.ok) return setError(fen.message.replace('消费金额', '全店销售额'))
    if (!/^\d{1,7}$/.test(receipts.trim())) return setError('请输入全店小票数（整数）')
    setError(null)
    setSaving(true)
    try {
      await reportStoreSales(summary.day, fen.value, Number(receipts.trim()))
      void Taro.showToast({ title: '已申报', icon: 'success' })
      setAmount('')
      setReceipts('')
      await onSaved()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '申报失败，请重试')
    } finally {
      setSaving(false)
    }
  }

  return (
    <View className='surface sales-report'>
      <Text className='staff-label'>全店销售额（含非会员）</Text>
      {declared ? (
        <Text className='sales-report__declared'>
          已申报 ¥{formatYuan(declared.totalSalesFen)} / {declared.receipts} 笔，会员占比{' '}
          {formatPercent(summary.amountFen, declared.totalSalesFen)}
        </Text>
      ) : (
        <Text className='muted'>尚未申报，数据看板的会员销售占比不含本店当天</Text>
      )}
      <Input
        className='staff-input sales-report__amount'
        type='digit'
        placeholder='全店销售额（元）'
        value={amount}
        onInput={(e) => setAmount(e.detail.value)}
      />
      <Input
        className='staff-input sales-report__receipts'
        type='number'
        placeholder='全店小票数'
        value={receipts}
        onInput={(e) => setReceipts(e.detail.value)}
      />
      {error ? <Text className='staff-error sales-report__error'>{error}</Text> : null}
      {/* Busy via a class, never `disabled`: Taro H5 renders disabled="false" as an attribute, which greyed
          out 更正申报 (and `staff-btn` had no style at all). submit() ignores re-entry itself. */}
      <Button
        className={`btn-primary sales-report__submit ${saving ? 'is-busy' : ''}`}
        loading={saving}
        onClick={() => void submit()}
      >
        {declared ? '更正申报' : '申报'}
      </Button>
    </View>
  )
}
