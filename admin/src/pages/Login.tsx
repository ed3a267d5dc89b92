import { useState, type FormEvent } from 'react'
import type { StaffTotpEnrolment } from '@mall/shared'
import { ApiError, errorText, login, startTotpEnrolment, type Session } from '../api'
import { Brand } from '../ui'
import { SecondFactorForm, TotpEnrolment } from './login-second-factor'

const ROLE_NAMES: Record<string, string> = { clerk: '店员', manager: '店长', operator: '运营' }

export function LoginPage({ onLogin, notice }: { onLogin: (s: Session) => void; notice: string | null }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // After the password: the authenticator code, or on the first login the enrolment.
  const [step, setStep] = useState<'password' | 'code' | { enrol: StaffTotpEnrolment }>('password')

  const enter = (s: Session) => {
    if (s.staff.role !== 'operator') {
      setStep('password')
      setError(
        `该账号是「${ROLE_NAMES[s.staff.role] ?? s.staff.role}」角色，无权使用运营后台。请使用运营账号登录；门店操作请使用小程序员工端。`,
      )
      return
    }
    onLogin(s)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!username.trim() || !password) {
      setError('请输入用户名和密码')
      return
    }
    setBusy(true)
    setError(null)
    try {
      enter(await login(username.trim(), password))
    } catch (err) {
      const code = err instanceof ApiError ? err.code : ''
      if (code === 'AUTH.TOTP_REQUIRED') setStep('code')
      else if (code === 'AUTH.TOTP_ENROL_REQUIRED')
        await startTotpEnrolment(username.trim(), password).then(
          (enrol) => setStep({ enrol }),
          (e) => setError(errorText(e)),
        )
      else setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const back = () => (setStep('password'), setPassword(''), setError(null))
  if (step !== 'password')
    return (
      <div className='login-wrap'>
        <div className='login-card'>
          <Brand className='brand-login' />
          {step === 'code' ? (
            <SecondFactorForm
              onBack={back}
              onSubmit={async (proof) => enter(await login(username.trim(), password, proof))}
            />
          ) : (
            <TotpEnrolment enrolment={step.enrol} onDone={enter} onBack={back} />
          )}
        </div>
      </div>
    )

  return (
    <div className='login-wrap'>
      <form className='login-card' onSubmit={submit} noValidate>
        <Brand className='brand-login' />
        {notice && !error && <div className='notice'>{notice}</div>}
        <label className='field'>
          <span>用户名</span>
          <input
            data-testid='login-username'
            autoComplete='username'
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
          />
        </label>
        <label className='field'>
          <span>密码</span>
          <input
            data-testid='login-password'
            type='password'
            autoComplete='current-password'
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <div className='form-error' role='alert' data-testid='login-error'>
            {error}
          </div>
        )}
        <button className='btn btn-primary btn-block' type='submit' data-testid='login-submit' disabled={busy}>
          {busy ? '登录中…' : '登录'}
        </button>
        <p className='hint'>仅限运营角色使用。</p>
      </form>
    </div>
  )
}
