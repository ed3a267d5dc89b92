import { useState, type FormEvent } from 'react'
import type { StaffTotpEnrolment } from '@mall/shared'
import { confirmTotpEnrolment, errorText, type Session } from '../api'

/**
 * The operator's second factor at login (docs/privacy-security.md): the 6-digit code of their authenticator app,
 * or one of their recovery codes; and on the first login, the enrolment: scan the QR code, type the first code,
 * then save the recovery codes shown this once.
 */
export function SecondFactorForm({
  onSubmit,
  onBack,
  allowRecovery = true,
}: {
  onSubmit: (proof: { totp?: string; recoveryCode?: string }) => Promise<void>
  onBack: () => void
  allowRecovery?: boolean
}) {
  const [useRecovery, setUseRecovery] = useState(false)
  const [value, setValue] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const code = value.trim()
    if (!useRecovery && !/^\d{6}$/.test(code)) return setError('请输入 6 位数字验证码')
    if (useRecovery && !/^[0-9A-Za-z-]{6,20}$/.test(code)) return setError('请输入完整的恢复码')
    setBusy(true)
    setError(null)
    try {
      await onSubmit(useRecovery ? { recoveryCode: code } : { totp: code })
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <label className='field'>
        <span>{useRecovery ? '恢复码' : '身份验证器上的 6 位验证码'}</span>
        <input
          data-testid='login-totp'
          inputMode={useRecovery ? 'text' : 'numeric'}
          autoComplete='one-time-code'
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoFocus
        />
      </label>
      {error && (
        <div className='form-error' role='alert' data-testid='login-error'>
          {error}
        </div>
      )}
      <button className='btn btn-primary btn-block' type='submit' data-testid='login-totp-submit' disabled={busy}>
        {busy ? '验证中…' : '验证并登录'}
      </button>
      <p className='hint'>
        {allowRecovery && (
          <button type='button' className='btn btn-small' onClick={() => (setUseRecovery(!useRecovery), setValue(''))}>
            {useRecovery ? '使用验证码' : '手机不在身边？使用恢复码'}
          </button>
        )}{' '}
        <button type='button' className='btn btn-small' onClick={onBack}>
          返回
        </button>
      </p>
    </form>
  )
}

/** First login: the QR code and the first code; then the recovery codes, until the operator has saved them. */
export function TotpEnrolment({
  enrolment,
  onDone,
  onBack,
}: {
  enrolment: StaffTotpEnrolment
  onDone: (s: Session) => void
  onBack: () => void
}) {
  const [done, setDone] = useState<{ session: Session; recoveryCodes: string[] } | null>(null)

  if (done)
    return (
      <div data-testid='totp-recovery'>
        <div className='notice'>
          身份验证器已绑定。请把下面的恢复码抄下或打印，妥善保存：手机丢失时每个恢复码可登录一次。
        </div>
        <ol className='recovery-codes' data-testid='totp-recovery-codes'>
          {done.recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <button
          className='btn btn-primary btn-block'
          data-testid='totp-recovery-done'
          onClick={() => onDone(done.session)}
        >
          我已保存，进入运营后台
        </button>
      </div>
    )

  return (
    <div data-testid='totp-enrol'>
      <p className='hint'>
        首次登录需绑定身份验证器：用手机上的身份验证器（如腾讯身份验证器、Google Authenticator）扫描二维码。
      </p>
      <img className='totp-qr' src={enrolment.qrSvgDataUrl} alt='身份验证器绑定二维码' width={200} height={200} />
      <p className='hint totp-secret'>
        无法扫码时手动输入密钥：<code data-testid='totp-secret'>{enrolment.secret}</code>
      </p>
      <SecondFactorForm
        allowRecovery={false}
        onBack={onBack}
        onSubmit={async (proof) => {
          if (!proof.totp) throw new Error('请输入身份验证器上的 6 位验证码')
          setDone(await confirmTotpEnrolment(enrolment.enrolToken, proof.totp))
        }}
      />
    </div>
  )
}
