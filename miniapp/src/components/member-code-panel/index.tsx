import { useMemo } from 'react'
import { View, Text, Image, Button } from '@tarojs/components'
import type { RotatingCodeState } from '../../hooks/use-member-code'
import { qrDataUri } from '../../lib/qr-svg'
import { barcodeDataUri } from '../../lib/barcode-svg'
import './index.css'

/** Class names tests and e2e scripts select on; each holds the current code in data-code. */
export interface CodePanelHooks {
  qr: string
  barcode: string
  digits: string
}

export interface CodePanelProps {
  state: RotatingCodeState
  /** what the code is called: '会员码' / '券码' (title, loading and empty copy) */
  noun?: string
  /** one line next to the title */
  hint?: string
  hooks?: CodePanelHooks
  className?: string
}

export const MEMBER_CODE_HOOKS: CodePanelHooks = {
  qr: 'member-qr',
  barcode: 'member-barcode',
  digits: 'member-code-digits',
}

/**
 * A rotating code that staff scan at the counter (member code, coupon code): QR + Code 128 +
 * the digits (for manual entry when a scanner fails). Defaults are the member card's copy and
 * hooks (.member-qr, .member-code-digits).
 */
export default function MemberCodePanel({
  state,
  noun = '会员码',
  hint = '出示给店员扫码累积积分',
  hooks = MEMBER_CODE_HOOKS,
  className = '',
}: CodePanelProps) {
  const { code, loading, error, secondsLeft, refresh } = state
  const value = code?.code ?? ''

  // SVG building is cheap but not free; redo it only when the code rotates.
  const images = useMemo(() => (value ? renderImages(value) : null), [value])

  return (
    <View className={`surface code-panel ${className}`}>
      <View className='code-panel__header'>
        <Text className='code-panel__title'>{noun}</Text>
        <Text className='muted'>{hint}</Text>
      </View>

      {images && code ? (
        <View className='code-panel__body'>
          <Image className={`code-qr ${hooks.qr}`} data-code={value} src={images.qr} mode='aspectFit' />
          {images.barcode ? (
            <Image
              className={`code-barcode ${hooks.barcode}`}
              data-code={value}
              src={images.barcode}
              mode='scaleToFill'
            />
          ) : null}
          <Text className={`code-digits ${hooks.digits}`} data-code={value}>
            {value}
          </Text>
          <View className='code-panel__footer'>
            <Text className='muted code-countdown'>{loading ? '正在刷新…' : `${secondsLeft} 秒后自动刷新`}</Text>
            {/* Busy via a class: Taro H5 renders disabled="false" as an attribute and greys it out.
                refresh() ignores re-entry itself. */}
            <Button className={`btn-quiet code-refresh ${loading ? 'is-busy' : ''}`} size='mini' onClick={refresh}>
              刷新
            </Button>
          </View>
        </View>
      ) : error ? (
        <View className='state-box code-error'>
          <Text className='error-text'>{error.message}</Text>
          <Button className='btn-quiet' size='mini' onClick={refresh}>
            重试
          </Button>
        </View>
      ) : loading ? (
        <View className='state-box code-loading'>
          <Text className='muted'>{noun}加载中…</Text>
        </View>
      ) : (
        <View className='state-box code-empty'>
          <Text className='muted'>暂无{noun}</Text>
          <Button className='btn-quiet' size='mini' onClick={refresh}>
            刷新
          </Button>
        </View>
      )}
    </View>
  )
}

function renderImages(value: string): { qr: string; barcode: string | null } {
  let barcode: string | null = null
  try {
    barcode = barcodeDataUri(value)
  } catch {
    // Code 128 covers ASCII only; the QR alone is still scannable.
  }
  return { qr: qrDataUri(value), barcode }
}
