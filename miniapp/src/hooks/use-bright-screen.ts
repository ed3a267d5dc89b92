import { useEffect, useRef } from 'react'
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro'

const isWeapp = process.env.TARO_ENV === 'weapp'

/**
 * weapp: full screen brightness while a code to scan is on screen (till scanners miss dim phones), and
 * the member's own brightness back when the page hides or closes. A page that hides while the raise
 * is still under way restores at once. Browsers cannot set brightness: nothing happens on H5.
 */
export function useBrightScreen(codeShown: boolean): void {
  const saved = useRef<number | null>(null)
  const visible = useRef(false)
  const raising = useRef(false)

  const restore = () => {
    if (saved.current === null) return
    const value = saved.current
    saved.current = null
    Taro.setScreenBrightness({ value }).catch(() => undefined)
  }

  const raise = async () => {
    if (!isWeapp || saved.current !== null || raising.current) return
    raising.current = true
    try {
      const { value } = await Taro.getScreenBrightness()
      saved.current = value
      await Taro.setScreenBrightness({ value: 1 })
    } catch {
      // Some devices refuse; the code is still shown.
    } finally {
      raising.current = false
    }
    if (!visible.current) restore()
  }

  useDidShow(() => {
    visible.current = true
    if (codeShown) void raise()
  })
  useDidHide(() => {
    visible.current = false
    restore()
  })
  useUnload(() => {
    visible.current = false
    restore()
  })
  useEffect(() => {
    if (codeShown && visible.current) void raise()
    if (!codeShown) restore()
    // raise/restore read refs only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [codeShown])
}
