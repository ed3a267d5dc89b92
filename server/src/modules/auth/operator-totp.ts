import { createHash, randomBytes } from 'node:crypto'
import { Schema, type Connection, type Model } from 'mongoose'
import { Secret, TOTP } from 'otpauth'
import qrcode from 'qrcode-generator'
import { getModel, insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { TokenService } from './tokens'

/**
 * The operators' second factor (docs/privacy-security.md): RFC 6238 TOTP (otpauth: SHA-1, 6 digits, 30 s, the
 * parameters every authenticator app reads from the QR code), enrolled at the first password login, and ten
 * single-use recovery codes. Each decision is an insert with a unique key: a code's time step is used once per
 * operator (`<operator>:<step>`), a recovery code once (`<operator>:<hash>`), so a replay is refused even by
 * two logins racing.
 */
export const TOTP_ISSUER = '商场会员运营后台'
const PERIOD_SECONDS = 30
const RECOVERY_CODES = 10

/** What a staff row holds of the second factor; the secret sealed (AES-GCM) with the token key. */
export interface StaffTotp {
  secretSealed: string
  confirmedAt: Date
  /** sha256 of each recovery code: they are 50 random bits each, so a fast hash is enough */
  recoveryHashes: string[]
}

interface UsedOnceDoc {
  _id: string
  at: Date
}
const usedOnce = (collection: string) =>
  new Schema<UsedOnceDoc>({ _id: String, at: { type: Date, required: true } }, { versionKey: false, collection })

export interface TotpEnrolment {
  /** proves the password was checked; the enrolment confirms with it and a first code */
  enrolToken: string
  /** the otpauth:// URI the QR code carries, for apps that take it typed */
  otpauthUri: string
  secret: string
  qrSvgDataUrl: string
}

const totpFor = (username: string, secretBase32: string) =>
  new TOTP({
    issuer: TOTP_ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  })

const hashRecovery = (code: string) =>
  createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex')

/** Ten codes like `7KQ2-M9XD-4T` (Crockford-like alphabet without 0/O/1/I), shown to the operator once. */
function newRecoveryCodes(): string[] {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
  return Array.from({ length: RECOVERY_CODES }, () => {
    const chars = [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('')
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`
  })
}

function qrSvgDataUrl(text: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const svg = qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true })
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`
}

export class OperatorTotp {
  private readonly UsedStep: Model<UsedOnceDoc>
  private readonly UsedRecovery: Model<UsedOnceDoc>

  constructor(
    conn: Connection,
    private readonly tokens: TokenService,
  ) {
    this.UsedStep = getModel(conn, 'UsedTotpStep', usedOnce('used_totp_steps'))
    this.UsedRecovery = getModel(conn, 'UsedRecoveryCode', usedOnce('used_recovery_codes'))
  }

  /** A fresh secret for an operator whose password was just checked; nothing is stored until it is confirmed. */
  startEnrolment(staffId: string, now: Date): TotpEnrolment {
    const secret = new Secret({ size: 20 }).base32
    const otpauthUri = totpFor(staffId, secret).toString()
    const { token } = this.tokens.sign('staff-enrol', { sub: staffId, s: this.tokens.seal(secret) }, now)
    return { enrolToken: token, otpauthUri, secret, qrSvgDataUrl: qrSvgDataUrl(otpauthUri) }
  }

  /** The enrolment's secret once its first code checks out (and is used up); the recovery codes to show once. */
  async confirmEnrolment(
    enrolToken: string,
    code: string,
    now: Date,
  ): Promise<{ staffId: string; totp: StaffTotp; recoveryCodes: string[] }> {
    const claims = this.tokens.verify<{ sub: string; s: string }>(enrolToken, 'staff-enrol', now)
    const secret = this.tokens.unseal(claims.s)
    if (typeof secret !== 'string') throw new DomainError('AUTH.TOKEN_INVALID', 'token invalid')
    await this.useCode(claims.sub, secret, code, now)
    const recoveryCodes = newRecoveryCodes()
    return {
      staffId: claims.sub,
      recoveryCodes,
      totp: { secretSealed: claims.s, confirmedAt: now, recoveryHashes: recoveryCodes.map(hashRecovery) },
    }
  }

  /** Checks a code (or a recovery code) of an enrolled operator; each is accepted once. */
  async verify(staffId: string, totp: StaffTotp, proof: { code?: string; recoveryCode?: string }, now: Date) {
    if (proof.recoveryCode !== undefined) {
      const hash = hashRecovery(proof.recoveryCode)
      if (!totp.recoveryHashes.includes(hash)) throw new DomainError('AUTH.TOTP_INVALID', 'wrong recovery code')
      if (!(await insertOnce(this.UsedRecovery, { _id: `${staffId}:${hash}`, at: now })))
        throw new DomainError('AUTH.TOTP_REPLAYED', 'recovery code already used')
      return
    }
    const secret = this.tokens.unseal(totp.secretSealed)
    if (typeof secret !== 'string') throw new DomainError('AUTH.TOTP_INVALID', 'second factor unreadable')
    await this.useCode(staffId, secret, proof.code ?? '', now)
  }

  /** A code of this step or the one either side (clock drift); its step is then used up for this operator. */
  private async useCode(staffId: string, secret: string, code: string, now: Date): Promise<void> {
    const timestamp = now.getTime()
    const delta = /^\d{6}$/.test(code) ? totpFor(staffId, secret).validate({ token: code, timestamp, window: 1 }) : null
    if (delta === null) throw new DomainError('AUTH.TOTP_INVALID', 'wrong code')
    const step = Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta
    if (!(await insertOnce(this.UsedStep, { _id: `${staffId}:${step}`, at: now })))
      throw new DomainError('AUTH.TOTP_REPLAYED', 'code already used')
  }
}

/** A code for tests and the demo's documentation: what an authenticator app shows at `now`. */
export function totpCodeAt(staffId: string, secretBase32: string, now: Date): string {
  return totpFor(staffId, secretBase32).generate({ timestamp: now.getTime() })
}
