import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto'
import jwt from 'jsonwebtoken'
import type { StaffRole } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'

/**
 * Session tokens. One algorithm, explicit issuer, a distinct audience per kind of caller, so a
 * member token can never pass as a staff token (and an access token never as a refresh token).
 */
const ALGORITHM = 'HS256' as const
const ISSUER = 'mall-loyalty'
const SEAL_CIPHER = 'aes-256-gcm'
const SEAL_IV_BYTES = 12
const SEAL_TAG_BYTES = 16

export type Audience = 'member' | 'staff' | 'member-refresh' | 'staff-refresh' | 'scan' | 'staff-enrol'

/** A scan token proves staff scanned this member's live code; purchase awards require one. */
export const SCAN_TOKEN_TTL_SECONDS = 600

export interface MemberClaims {
  sub: string
}
export interface StaffClaims {
  sub: string
  role: StaffRole
  storeId: string | null
}

export interface TokenSettings {
  secret: string
  accessTtlSeconds: number
  refreshTtlSeconds: number
  /** an operator's refresh token lives this long: the console's idle timeout (unset: refreshTtlSeconds) */
  operatorRefreshTtlSeconds?: number
}

export class TokenService {
  // A KeyObject made once: jsonwebtoken rebuilds one from a string secret on every call (~0.8 ms).
  private readonly key: KeyObject
  /** For claims only the server may read (a JWT's payload is readable by whoever holds the token). */
  private readonly sealKey: Buffer
  private refusedMember: (memberId: string) => boolean = () => false

  constructor(private readonly s: TokenSettings) {
    this.key = createSecretKey(Buffer.from(s.secret, 'utf8'))
    this.sealKey = Buffer.from(hkdfSync('sha256', s.secret, ISSUER, 'sealed-claims', 32))
  }

  /** A value as an opaque claim: AES-256-GCM under a key derived from the secret, readable by `unseal` only. */
  seal(value: unknown): string {
    const iv = randomBytes(SEAL_IV_BYTES)
    const cipher = createCipheriv(SEAL_CIPHER, this.sealKey, iv, { authTagLength: SEAL_TAG_BYTES })
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** What `seal` sealed; undefined for anything else (not a string, another key, a changed byte). */
  unseal(sealed: unknown): unknown {
    if (typeof sealed !== 'string') return undefined
    try {
      const raw = Buffer.from(sealed, 'base64url')
      const decipher = createDecipheriv(SEAL_CIPHER, this.sealKey, raw.subarray(0, SEAL_IV_BYTES), {
        authTagLength: SEAL_TAG_BYTES,
      })
      decipher.setAuthTag(raw.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES))
      const body = Buffer.concat([decipher.update(raw.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES)), decipher.final()])
      return JSON.parse(body.toString('utf8'))
    } catch {
      return undefined
    }
  }

  sign(audience: Audience, claims: object, now: Date, ttlSeconds?: number): { token: string; jti: string } {
    const jti = randomUUID()
    const ttl =
      ttlSeconds ??
      (audience === 'scan' || audience === 'staff-enrol'
        ? SCAN_TOKEN_TTL_SECONDS
        : audience.endsWith('refresh')
          ? this.s.refreshTtlSeconds
          : this.s.accessTtlSeconds)
    const iat = Math.floor(now.getTime() / 1000)
    const token = jwt.sign({ ...claims, iat, exp: iat + ttl }, this.key, {
      algorithm: ALGORITHM,
      issuer: ISSUER,
      audience,
      jwtid: jti,
    })
    return { token, jti }
  }

  issuePair(kind: 'member' | 'staff', claims: MemberClaims | StaffClaims, now: Date) {
    return {
      accessToken: this.sign(kind, claims, now).token,
      // An operator idle longer than the refresh token's life logs in again (password and second factor).
      refreshToken: this.sign(`${kind}-refresh`, { sub: claims.sub }, now, this.refreshTtlFor(claims)).token,
      expiresIn: this.s.accessTtlSeconds,
    }
  }

  private refreshTtlFor(claims: MemberClaims | StaffClaims): number | undefined {
    const operator = 'role' in claims && claims.role === 'operator'
    return operator ? (this.s.operatorRefreshTtlSeconds ?? this.s.refreshTtlSeconds) : undefined
  }

  /** Members whose tokens are refused from now on: erased accounts (account-deletion sets it once). */
  refuseMembers(refused: (memberId: string) => boolean): void {
    this.refusedMember = refused
  }

  verify<T extends object>(token: string, audience: Audience, now: Date): T & { jti: string; exp: number } {
    const claims = this.verifySignature<T>(token, audience, now)
    const sub = (claims as { sub?: unknown }).sub
    const memberToken = audience === 'member' || audience === 'member-refresh'
    if (memberToken && typeof sub === 'string' && this.refusedMember(sub))
      throw new DomainError('AUTH.ACCOUNT_DELETED', 'account deleted')
    return claims
  }

  private verifySignature<T extends object>(
    token: string,
    audience: Audience,
    now: Date,
  ): T & { jti: string; exp: number } {
    try {
      return jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience,
        clockTimestamp: Math.floor(now.getTime() / 1000),
        clockTolerance: 5,
      }) as T & { jti: string; exp: number }
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new DomainError('AUTH.TOKEN_EXPIRED', 'token expired')
      throw new DomainError('AUTH.TOKEN_INVALID', 'token invalid')
    }
  }
}
