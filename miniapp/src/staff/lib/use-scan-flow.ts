import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { goToStaffLogin, isStaffLoggedIn } from '../../services/staff'
import { staffError } from './use-staff-data'

/**
 * The desk's scan-and-decide flow (扫券核销, 礼品核销): a code is looked up into a preview, the clerk confirms,
 * the server's decision is the result. One call at a time; a failure shows its message and keeps the step.
 */
export function useScanFlow<Preview, Result>(
  look: (code: string) => Promise<Preview>,
  decide: (code: string) => Promise<Result>,
) {
  const [code, setCode] = useState('')
  const [preview, setPreview] = useState<Preview | null>(null)
  const [result, setResult] = useState<Result | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  useDidShow(() => {
    if (!isStaffLoggedIn()) goToStaffLogin()
  })

  const run = async (action: () => Promise<void>) => {
    if (busy) return
    setBusy(true)
    setError('')
    try {
      await action()
    } catch (e) {
      setError(staffError(e).message)
    } finally {
      setBusy(false)
    }
  }

  const lookUp = (value: string) =>
    void run(async () => {
      setPreview(await look(value))
      setCode(value)
    })

  const confirm = () =>
    void run(async () => {
      setResult(await decide(code))
    })

  const restart = () => {
    setPreview(null)
    setResult(null)
    setCode('')
    setError('')
  }

  return { preview, result, busy, error, lookUp, confirm, restart }
}
