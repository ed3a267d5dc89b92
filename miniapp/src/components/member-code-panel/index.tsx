import { useMemo } from 'react'
import { View, Text, Image, Button } from '@tarojs/components'
import type { MemberCodeState } from '../../hooks/use-member-code'
import { qrDataUri } from '../../lib/qr-svg'
import { barcodeDataUri } from '../../lib/barcode-svg'
import './index.css'

/**
 * The rotating member code that staff scan at the counter: QR + Code 128 + the digits
 * (for manual entry when a scanner fails). Test hooks: .member-qr (with data-code) and
 * .member-code-digits hold the current code verbatim.
 */
export default function MemberCodePanel({ state }: { state: MemberCodeState }) {
  const { code, loading, error, secondsLeft, refresh } = state
  const value = code?.code ?? ''

  // SVG building is cheap but not free; redo it only when the code rotates.
  const images = useMemo(() => (value ? renderImages(value) : null), [value])

  return (
    <View className='surface code-panel'>
      <View className='code-panel__header'>
        <Text className='code-panel__title'>会员码</Text>
        <Text className='muted'>出示给店员扫码累积积分</Text>
      </View>

      {images && code ? (
        <View className='code-panel__body'>
          <Image className='member-qr' data-code={value} src={images.qr} mode='aspectFit' />
          {images.barcode ? (
            <Image className='member-barcode' data-code={value} src={images.barcode} mode='scaleToFill' />
          ) : null}
          <Text className='member-code-digits' data-code={value}>
            {value}
          </Text>
          <View className='code-panel__footer'>
            <Text className='muted code-countdown'>{loading ? '正在刷新…' : `${secondsLeft} 秒后自动刷新`}</Text>
            <Button className='btn-quiet code-refresh' size='mini' disabled={loading} onClick={refresh}>
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
          <Text className='muted'>会员码加载中…</Text>
        </View>
      ) : (
        <View className='state-box code-empty'>
          <Text className='muted'>暂无会员码</Text>
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
