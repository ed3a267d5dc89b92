import type { Connection } from 'mongoose'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import type { ProgramRules } from '../rules/program-rules'
import { AddressBook } from './address-book'
import { GiftCatalogueService } from './gift-catalogue.service'
import { GiftFulfilmentService } from './gift-fulfilment.service'
import { GiftImageService } from './gift-images'
import { GiftRedemptionService } from './gift-redemption.service'

export interface PointsMallParts {
  giftCatalogue: GiftCatalogueService
  giftImages: GiftImageService
  addressBook: AddressBook
  /** redeem with points, and `grant(member, gift, key, now)` for other modules' prizes (the lottery) */
  giftRedemptions: GiftRedemptionService
  giftFulfilment: GiftFulfilmentService
}

/** The points mall's services wired together (docs/points-mall.md). */
export function buildPointsMall(
  conn: Connection,
  codeSecret: string,
  ledger: LedgerService,
  members: MemberService,
  rules: ProgramRules,
): PointsMallParts {
  const giftCatalogue = new GiftCatalogueService(conn, members, ledger)
  const addressBook = new AddressBook(conn)
  const giftRedemptions = new GiftRedemptionService(conn, ledger, members, giftCatalogue, addressBook)
  return {
    giftCatalogue,
    giftImages: new GiftImageService(conn),
    addressBook,
    giftRedemptions,
    giftFulfilment: new GiftFulfilmentService(conn, codeSecret, ledger, members, rules, giftRedemptions),
  }
}
