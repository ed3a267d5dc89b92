import type { Connection, Model } from 'mongoose'
import type { AddressInput, AddressView } from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import { pointsMallModels, type AddressDoc } from './points-mall.model'

export const MAX_ADDRESSES = 10
// Numbers are never reused (a removed address keeps its row), so the book's numbers run past its size.
const MAX_ADDRESS_NUMBER = 999

const addressId = (memberId: string, n: number) => `${memberId}:a${n}`
const toView = (a: AddressDoc): AddressView => ({
  addressId: a._id.slice(a._id.lastIndexOf(':') + 1),
  name: a.name,
  phone: a.phone,
  region: a.region,
  detail: a.detail,
})

/**
 * A member's delivery addresses: each saved as the next free number `<member>:a<n>` (an insert, so
 * two saves at once both land under different numbers); a redemption copies the address it ships to.
 */
export class AddressBook {
  private readonly Address: Model<AddressDoc>

  constructor(conn: Connection) {
    this.Address = pointsMallModels(conn).Address
  }

  async list(memberId: string): Promise<AddressView[]> {
    const rows = await this.Address.find({ memberId, removed: false }).sort({ at: -1 }).lean<AddressDoc[]>().exec()
    return rows.map(toView)
  }

  async add(memberId: string, input: AddressInput, now: Date): Promise<AddressView> {
    const all = await this.Address.find({ memberId }, { removed: 1 }).lean<Pick<AddressDoc, 'removed'>[]>().exec()
    if (all.filter((a) => !a.removed).length >= MAX_ADDRESSES)
      throw new DomainError('ADDRESS.LIMIT_REACHED', 'address book full')
    for (let n = all.length + 1; n <= MAX_ADDRESS_NUMBER; n++) {
      const doc: AddressDoc = { _id: addressId(memberId, n), memberId, ...input, removed: false, at: now }
      if (await insertOnce(this.Address, doc as never)) return toView(doc)
    }
    throw new DomainError('ADDRESS.LIMIT_REACHED', 'no address numbers left')
  }

  async remove(memberId: string, id: string): Promise<void> {
    await this.get(memberId, id)
    await updateById(this.Address, addressId(memberId, Number(id.slice(1))), { $set: { removed: true } })
  }

  /** The member's own address: another member's number answers as not found. */
  async get(memberId: string, id: string): Promise<AddressInput> {
    const row = await findById<AddressDoc>(this.Address, addressId(memberId, Number(id.slice(1))))
    if (!row || row.removed) throw new DomainError('ADDRESS.NOT_FOUND', 'address not found')
    return { name: row.name, phone: row.phone, region: row.region, detail: row.detail }
  }
}
