import { useEffect, useRef, useState } from 'react'
import Taro from '@tarojs/taro'
import { View, Text, Input, Button } from '@tarojs/components'
import { canScan, scanCode } from '../lib/scan'
import { canCameraScan, openCameraScan } from '../lib/h5-camera-scan'
import { parseScanCode } from '../lib/staff-format'

/**
 * Step 1 of award / redeem: scan the customer's code (weapp: Taro.scanCode; H5: the browser's
 * BarcodeDetector where available) or type it (always offered: not every browser can scan, and a
 * damaged screen may not scan). Hooks: `inputClass`, `submitClass`, `camera-scan-button`.
 */
export default function CodeEntry(props: {
  what: '会员码' | '券码' | '提货码'
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
  // H5 only; the weapp build folds this to false and drops the camera module's browser code.
  const [canCamera] = useState(() => process.env.TARO_ENV === 'h5' && canCameraScan())
  const [cameraError, setCameraError] = useState('')
  const stopCamera = useRef<(() => void) | null>(null)
  useEffect(() => () => stopCamera.current?.(), [])

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
  // The camera reports after later renders: submit through the latest props (busy, onSubmit).
  const latestSubmit = useRef(submit)
  latestSubmit.current = submit

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

  const scanWithCamera = () => {
    if (busy || stopCamera.current) return
    setCameraError('')
    stopCamera.current = openCameraScan({
      hint: `将${what}对准摄像头`,
      onDetected: (code) => {
        stopCamera.current = null
        setText(code)
        latestSubmit.current(code)
      },
      onError: (message) => {
        stopCamera.current = null
        setCameraError(message)
      },
      onCancel: () => {
        stopCamera.current = null
      },
    })
  }

  const shown = localError || error
  return (
    <View className='surface staff-section'>
      {canScan ? (
        <Button className={`btn-primary staff-scan-button ${busy ? 'is-busy' : ''}`} onClick={() => void scan()}>
          扫描{what}
        </Button>
      ) : null}
      {canCamera ? (
        <Button className={`staff-btn-secondary camera-scan-button ${busy ? 'is-busy' : ''}`} onClick={scanWithCamera}>
          摄像头扫码
        </Button>
      ) : null}
      {cameraError ? <Text className='staff-error camera-scan-error'>{cameraError}</Text> : null}
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
