import { hash, verify } from '@node-rs/argon2'
import type { Connection, Model } from 'mongoose'
import type {
  StaffLoginResponse,
  StaffProfile,
  StaffRole,
  StaffTotpConfirmResponse,
  StaffTotpEnrolment,
} from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims, TokenService } from '../auth/tokens'
import { OperatorTotp } from '../auth/operator-totp'
import { storeModel, type StoreDoc } from '../stores/store.model'
import { staffModel, type StaffDoc } from './staff.model'

const MAX_FAILED_LOGINS = 5
const LOCKOUT_MS = 15 * 60 * 1000
// Verified against when the username does not exist, so response time does not reveal which accounts exist.
let dummyHash: Promise<string> | null = null

export class StaffService {
  private readonly Staff: Model<StaffDoc>
  private readonly Store: Model<StoreDoc>

  private readonly totp: OperatorTotp

  constructor(
    conn: Connection,
    private readonly tokens: TokenService,
    /** operators need a second factor (config OPERATOR_TOTP; always in production) */
    private readonly operatorTotp = true,
  ) {
    this.Staff = staffModel(conn)
    this.Store = storeModel(conn)
    this.totp = new OperatorTotp(conn, tokens)
  }

  static hashPassword(password: string): Promise<string> {
    return hash(password)
  }

  async create(input: {
    username: string
    password: string
    displayName: string
    role: StaffRole
    storeId: string | null
  }): Promise<void> {
    await this.Staff.create({
      _id: input.username.toLowerCase(),
      displayName: input.displayName,
      passwordHash: await StaffService.hashPassword(input.password),
      role: input.role,
      storeId: input.storeId,
    })
  }

  /**
   * Password, then for operators the second factor: a code or a recovery code. An operator not enrolled yet is
   * refused with AUTH.TOTP_ENROL_REQUIRED and enrols (startTotpEnrolment); a wrong code counts as a failed login.
   */
  async login(
    username: string,
    password: string,
    now: Date,
    proof: { totp?: string; recoveryCode?: string } = {},
  ): Promise<StaffLoginResponse> {
    const staff = await this.checkPassword(username, password, now)
    if (this.operatorTotp && staff.role === 'operator') {
      if (!staff.totp) throw new DomainError('AUTH.TOTP_ENROL_REQUIRED', 'operator must enrol a second factor')
      if (proof.totp === undefined && proof.recoveryCode === undefined)
        throw new DomainError('AUTH.TOTP_REQUIRED', 'authenticator code required')
      try {
        await this.totp.verify(staff._id, staff.totp, { code: proof.totp, recoveryCode: proof.recoveryCode }, now)
      } catch (err) {
        await this.countFailure(staff, now)
        throw err
      }
    }
    await this.clearFailures(staff)
    return this.session(staff, now)
  }

  /** The QR code of a new second factor, for an operator whose password checks out and who has none yet. */
  async startTotpEnrolment(username: string, password: string, now: Date): Promise<StaffTotpEnrolment> {
    const staff = await this.checkPassword(username, password, now)
    if (staff.role !== 'operator' || staff.totp) throw new DomainError('AUTH.FORBIDDEN', 'nothing to enrol')
    await this.clearFailures(staff)
    return this.totp.startEnrolment(staff._id, now)
  }

  /** The enrolment's first code: the factor is stored (once: a second enrolment finds it set) and a session starts. */
  async confirmTotpEnrolment(enrolToken: string, code: string, now: Date): Promise<StaffTotpConfirmResponse> {
    const { staffId, totp, recoveryCodes } = await this.totp.confirmEnrolment(enrolToken, code, now)
    const set = await this.Staff.updateOne({ _id: staffId, active: true, totp: null }, { $set: { totp } }).exec()
    if (set.matchedCount !== 1) throw new DomainError('AUTH.FORBIDDEN', 'already enrolled or inactive')
    const staff = await this.Staff.findById(staffId).lean<StaffDoc>().exec()
    return { ...(await this.session(staff!, now)), recoveryCodes }
  }

  private async session(staff: StaffDoc, now: Date): Promise<StaffLoginResponse> {
    return { ...this.tokens.issuePair('staff', this.claims(staff), now), staff: await this.profileOf(staff) }
  }

  private async countFailure(staff: StaffDoc, now: Date): Promise<void> {
    const failed = staff.failedLogins + 1
    const lock = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MS) : null
    await this.Staff.updateOne(
      { _id: staff._id },
      { $set: { failedLogins: lock ? 0 : failed, lockedUntil: lock } },
    ).exec()
  }

  private async checkPassword(username: string, password: string, now: Date): Promise<StaffDoc> {
    const staff = await this.Staff.findById(username.toLowerCase()).lean<StaffDoc>().exec()
    if (!staff || !staff.active) {
      await verify(await (dummyHash ??= hash('no-such-user')), password)
      throw new DomainError('AUTH.BAD_CREDENTIALS', 'bad username or password')
    }
    if (staff.lockedUntil && staff.lockedUntil > now) {
      const retryAfter = Math.ceil((staff.lockedUntil.getTime() - now.getTime()) / 1000)
      throw new DomainError('AUTH.LOCKED', 'account locked after repeated failures', { retryAfter }, retryAfter)
    }
    if (!(await verify(staff.passwordHash, password))) {
      await this.countFailure(staff, now)
      throw new DomainError('AUTH.BAD_CREDENTIALS', 'bad username or password')
    }
    return staff
  }

  /** After every factor checked out: wrong passwords and codes before it stop counting towards the lockout. */
  private async clearFailures(staff: StaffDoc): Promise<void> {
    if (staff.failedLogins > 0 || staff.lockedUntil) {
      await this.Staff.updateOne({ _id: staff._id }, { $set: { failedLogins: 0, lockedUntil: null } }).exec()
    }
  }

  /** Current claims for a refresh: role or store changes and deactivation take effect at refresh. */
  async claimsFor(staffId: string): Promise<StaffClaims> {
    const staff = await this.Staff.findById(staffId).lean<StaffDoc>().exec()
    if (!staff || !staff.active) throw new DomainError('AUTH.TOKEN_INVALID', 'staff account no longer active')
    return this.claims(staff)
  }

  async profile(staffId: string): Promise<StaffProfile> {
    const staff = await this.Staff.findById(staffId).lean<StaffDoc>().exec()
    if (!staff) throw new DomainError('AUTH.TOKEN_INVALID', 'staff account not found')
    return this.profileOf(staff)
  }

  private claims(staff: StaffDoc): StaffClaims {
    return { sub: staff._id, role: staff.role, storeId: staff.storeId }
  }

  private async profileOf(staff: StaffDoc): Promise<StaffProfile> {
    const store = staff.storeId ? await this.Store.findById(staff.storeId).lean<StoreDoc>().exec() : null
    return {
      staffId: staff._id,
      username: staff._id,
      displayName: staff.displayName,
      role: staff.role,
      storeId: staff.storeId,
      storeName: store?.name ?? null,
    }
  }
}
