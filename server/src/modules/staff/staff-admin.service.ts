import type { Connection, Model } from 'mongoose'
import type { ConfigVersionView, StaffAccountView, StaffCreateRequest, StaffUpdateRequest } from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import { ConfigHistory, writeVersion, type ConfigSubject } from '../../db/config-history'
import { storeModel, type StoreDoc } from '../stores/store.model'
import { staffModel, type StaffDoc } from './staff.model'
import { StaffService } from './staff.service'

/**
 * The account fields operators configure, as recorded before/after. A password is never recorded:
 * a change that sets one carries `passwordChanged: true` instead of any hash.
 */
type StaffConfig = Pick<StaffAccountView, 'displayName' | 'role' | 'storeId' | 'active'> & { passwordChanged?: true }

const LIST_LIMIT = 1000

const snapshot = (s: StaffDoc): StaffConfig => ({
  displayName: s.displayName,
  role: s.role,
  storeId: s.storeId ?? null,
  active: s.active ?? true,
})

function toView(s: StaffDoc): StaffAccountView {
  return {
    username: s._id,
    ...snapshot(s),
    lockedUntil: s.lockedUntil ? new Date(s.lockedUntil).toISOString() : null,
    version: s.configVersion ?? 0,
  }
}

/**
 * Operators create staff accounts, change their name, role, store and status, and reset passwords;
 * every change is a version in the config history. Login and refresh already refuse inactive
 * accounts, and role or store changes reach a session at its next refresh (StaffService.claimsFor).
 */
export class StaffAdminService {
  private readonly Staff: Model<StaffDoc>
  private readonly Store: Model<StoreDoc>
  private readonly versions: ConfigHistory<StaffDoc, StaffConfig>

  constructor(conn: Connection) {
    this.Staff = staffModel(conn)
    this.Store = storeModel(conn)
    const subject: ConfigSubject<StaffDoc, StaffConfig> = {
      kind: 'staff',
      load: (id) => this.Staff.findById(id).lean<StaffDoc>().exec(),
      notFound: (id) => new DomainError('STAFF.NOT_FOUND', `staff account ${id} not found`),
      snapshot,
      apply: async (id, after, version, passwordHash) => {
        const { displayName, role, storeId, active } = after
        // A password reset also lifts a lockout from failed logins.
        const password = passwordHash === undefined ? {} : { passwordHash, failedLogins: 0, lockedUntil: null }
        await writeVersion(this.Staff, id, version, { displayName, role, storeId, active, ...password })
      },
    }
    this.versions = new ConfigHistory(conn, subject)
  }

  async list(): Promise<StaffAccountView[]> {
    const rows = await this.Staff.find({}).sort({ _id: 1 }).limit(LIST_LIMIT).lean<StaffDoc[]>().exec()
    return rows.map(toView)
  }

  async create(input: StaffCreateRequest, operatorId: string, at: Date): Promise<StaffAccountView> {
    await this.assertStore(input.storeId)
    const doc: StaffDoc = {
      _id: input.username.toLowerCase(),
      displayName: input.displayName,
      passwordHash: await StaffService.hashPassword(input.password),
      role: input.role,
      storeId: input.storeId,
      failedLogins: 0,
      lockedUntil: null,
      active: true,
      configVersion: 1,
    }
    if (!(await insertOnce(this.Staff, doc as never)))
      throw new DomainError('CONFIG.ALREADY_EXISTS', `staff account ${doc._id} exists`)
    await this.versions.created(
      doc._id,
      { ...snapshot(doc), passwordChanged: true },
      { changedBy: operatorId, at, note: input.note },
    )
    return toView(doc)
  }

  async update(id: string, input: StaffUpdateRequest, operatorId: string, at: Date): Promise<StaffAccountView> {
    // The console is the only way back in: an operator who deactivated or demoted themselves could not undo it.
    if (id === operatorId && (!input.active || input.role !== 'operator')) {
      throw new DomainError('STAFF.SELF_LOCKOUT', 'operators cannot deactivate or demote their own account')
    }
    await this.assertStore(input.storeId)
    const secret = input.password === undefined ? undefined : await StaffService.hashPassword(input.password)
    const after: StaffConfig = {
      displayName: input.displayName,
      role: input.role,
      storeId: input.storeId,
      active: input.active,
    }
    if (secret !== undefined) after.passwordChanged = true
    const meta = { changedBy: operatorId, at, note: input.note, ...(secret === undefined ? {} : { secret }) }
    return toView(await this.versions.change(id, input.version, () => after, meta))
  }

  history(id: string): Promise<ConfigVersionView[]> {
    return this.versions.history(id)
  }

  private async assertStore(storeId: string | null): Promise<void> {
    if (storeId !== null && !(await this.Store.exists({ _id: storeId })))
      throw new DomainError('STORE.NOT_FOUND', `store ${storeId} not found`)
  }
}
