import { hash, verify } from '@node-rs/argon2'
import type { Connection, Model } from 'mongoose'
import type { StaffLoginResponse, StaffProfile, StaffRole } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims, TokenService } from '../auth/tokens'
import { storeModel, type StoreDoc } from '../stores/store.model'
import { staffModel, type StaffDoc } from './staff.model'

const MAX_FAILED_LOGINS = 5
const LOCKOUT_MS = 15 * 60 * 1000
// Verified against when the username does not exist, so response time does not reveal which accounts exist.
let dummyHash: Promise<string> | null = null

export class StaffService {
  private readonly Staff: Model<StaffDoc>
  private readonly Store: Model<StoreDoc>

  constructor(
    conn: Connection,
    private readonly tokens: TokenService,
  ) {
    this.Staff = staffModel(conn)
    this.Store = storeModel(conn)
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

  async login(username: string, password: string, now: Date): Promise<StaffLoginResponse> {
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
      const failed = staff.failedLogins + 1
      const lock = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MS) : null
      await this.Staff.updateOne(
        { _id: staff._id },
        { $set: { failedLogins: lock ? 0 : failed, lockedUntil: lock } },
      ).exec()
      throw new DomainError('AUTH.BAD_CREDENTIALS', 'bad username or password')
    }
    if (staff.failedLogins > 0 || staff.lockedUntil) {
      await this.Staff.updateOne({ _id: staff._id }, { $set: { failedLogins: 0, lockedUntil: null } }).exec()
    }
    return { ...this.tokens.issuePair('staff', this.claims(staff), now), staff: await this.profileOf(staff) }
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
