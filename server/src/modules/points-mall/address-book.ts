import type { Connection, Model } from 'mongoose'
import type { AddressInput, AddressView } from '@mall/shared'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import { pointsMallModels, type AddressDoc } from './points-mall.model'

export const MAX_ADDRESSES = 10

const addressId = (memberId: string, n: number) => `${memberId}:a${n}`
const toView = (a: AddressDoc): AddressView => ({
  addressId: a._id.slice(a._id.lastIndexOf(':') + 1),
  name: a.name,
  phone: a.phone,
  region: a.region,
  detail: a.detail,
})

/**
 * A member's delivery addresses: ten places `<member>:a1..a10`, each taken by an insert, so the cap
 * holds however many saves arrive at once (the coupon-slot way). Removing one frees its place; a
 * redemption keeps a copy of the address it ships to, so a place taken again changes no order.
 */
export class AddressBook {
  private readonly Address: Model<AddressDoc>

  constructor(conn: Connection) {
    this.Address = pointsMallModels(conn).Address
  }

  async list(memberId: string): Promise<AddressView[]> {
    const rows = await this.Address.find({ memberId }).sort({ at: -1 }).lean<AddressDoc[]>().exec()
    return rows.map(toView)
  }

  async add(memberId: string, input: AddressInput, now: Date): Promise<AddressView> {
    for (let n = 1; n <= MAX_ADDRESSES; n++) {
      const doc: AddressDoc = { _id: addressId(memberId, n), memberId, ...input, at: now }
      if (await insertOnce(this.Address, doc as never)) return toView(doc)
    }
    throw new DomainError('ADDRESS.LIMIT_REACHED', 'address book full')
  }

  async remove(memberId: string, id: string): Promise<void> {
    await this.get(memberId, id)
    await this.Address.deleteOne({ _id: addressId(memberId, Number(id.slice(1))) }).exec()
  }

  /** The member's own address: another member's number answers as not found. */
  async get(memberId: string, id: string): Promise<AddressInput> {
    const row = await findById<AddressDoc>(this.Address, addressId(memberId, Number(id.slice(1))))
    if (!row) throw new DomainError('ADDRESS.NOT_FOUND', 'address not found')
    return { name: row.name, phone: row.phone, region: row.region, detail: row.detail }
  }
}
