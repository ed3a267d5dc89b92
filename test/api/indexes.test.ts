import type { Connection, Model } from 'mongoose'
import { checkinModels } from '../../server/src/modules/checkin/checkin.model'
import { couponModels } from '../../server/src/modules/coupons/coupon.model'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'
import { purchaseModel } from '../../server/src/modules/points/purchase.model'
import { ownDatabase } from '../support/own-database'

/**
 * Indexes by backend (server/src/db/connect.ts, getModel): the embedded FerretDB gets only the unique
 * ones — the invariants the inserts rely on — since its planner serves no other filter from an index;
 * the rest are declared for MongoDB (the sweepers' queries among them).
 */
let conn: Connection

const database = ownDatabase()
beforeAll(() => {
  conn = database()
})

async function built(model: Model<any>): Promise<string[]> {
  await model.init()
  return (await model.collection.indexes())
    .filter((ix) => Object.keys(ix.key).join() !== '_id')
    .map((ix) => `${Object.keys(ix.key).join('+')}${ix.unique ? ' unique' : ''}`)
    .sort()
}

it('builds only the unique indexes on FerretDB, path-level and schema-level alike', async () => {
  expect(await built(ledgerModels(conn).Entry)).toEqual(['eventKey unique'])
  expect(await built(couponModels(conn).Coupon)).toEqual(['templateId+memberId+ordinal unique'])
  expect(await built(checkinModels(conn).Card)).toEqual([])
  expect(await built(checkinModels(conn).Use)).toEqual(['cardId unique'])
  expect(await built(purchaseModel(conn))).toEqual([])
})
