import { useState } from 'react'
import Taro from '@tarojs/taro'
import { View, Text, Input, Button } from '@tarojs/components'
import { canScan, scanCode } from '../lib/scan'
import { parseScanCode } from '../lib/staff-format'

/**
 * Step 1 of award / redeem: scan the customer's code (weapp camera) or type it (always offered:
 * H5 has no camera scanner, and a damaged screen may not scan). Hooks: `inputClass`, `submitClass`.
 */
export default function CodeEntry(props: {
  what: '会员码' | '券码'
  inputClass: string
  submitClass: string
  busy: boolean
  error: string
  initialCode?: string
  onSubmit: (code: string) => void
}) {
  const { what, inputClass, submitClass, busy, error, onSubmit } = props
  const [text, setText] = useState(props.initialCode ?? '')
  const [localError, setLocalError] = useState('')

  const submit = (raw: string) => {
    if (busy) return
    const parsed = parseScanCode(raw, what)
    if (!parsed.ok) {
      setLocalError(parsed.message)
      return
    }
    setLocalError('')
    onSubmit(parsed.value)
  }

  const scan = async () => {
    if (busy) return
    try {
      const code = await scanCode()
      if (code) {
        setText(code)
        submit(code)
      }
    } catch {
      void Taro.showToast({ title: '扫码失败，请手动输入', icon: 'none' })
    }
  }

  const shown = localError || error
  return (
    <View className='surface staff-section'>
      {canScan ? (
        <Button className={`btn-primary staff-scan-button ${busy ? 'is-busy' : ''}`} onClick={() => void scan()}>
          扫描{what}
        </Button>
      ) : null}
      <Text className='staff-label'>{canScan ? `或手动输入${what}` : `输入顾客出示的${what}`}</Text>
      <Input
        className={`staff-input ${inputClass}`}
        type='text'
        placeholder={`${what}数字`}
        maxlength={80}
        value={text}
        confirmType='go'
        onInput={(e) => setText(e.detail.value)}
        onConfirm={() => submit(text)}
      />
      {shown ? <Text className='staff-error code-entry-error'>{shown}</Text> : null}
      <Button
        className={`${canScan ? 'staff-btn-secondary' : 'btn-primary'} ${submitClass} ${busy ? 'is-busy' : ''}`}
        loading={busy}
        onClick={() => submit(text)}
      >
        查询
      </Button>
    </View>
  )
}
