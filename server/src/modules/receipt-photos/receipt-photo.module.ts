import type { Connection } from 'mongoose'
import type { Logger } from 'pino'
import type { PurchaseService } from '../points/purchase.service'
import { PurchaseReviewService } from '../points/purchase-review.service'
import type { LedgerService } from '../ledger/ledger.service'
import type { ProgramRules } from '../rules/program-rules'
import { ReceiptOcr } from './receipt-ocr'
import { ReceiptPhotoRulesStore } from './receipt-photo-rules'
import { receiptPhotoModels } from './receipt-photo.model'
import { ReceiptPhotoService } from './receipt-photo.service'
import { ReceiptReviewService } from './receipt-review.service'

export interface ReceiptPhotoParts {
  service: ReceiptPhotoService
  review: ReceiptReviewService
  rules: ReceiptPhotoRulesStore
  ocr: ReceiptOcr
}

/** 小票积分, wired on the one earn pipeline (PurchaseService) and its review transitions (docs/receipt-photos.md). */
export function buildReceiptPhotos(
  conn: Connection,
  purchases: PurchaseService,
  ledger: LedgerService,
  programRules: ProgramRules,
  logger: Logger,
): ReceiptPhotoParts {
  // Stateless over the purchases' transition rows: the same rows and sweeper as the till's held receipts.
  const purchaseReview = new PurchaseReviewService(purchases, ledger, programRules)
  const rules = new ReceiptPhotoRulesStore(conn)
  const ocr = new ReceiptOcr(logger)
  const review = new ReceiptReviewService(receiptPhotoModels(conn), purchases, purchaseReview, rules)
  const service = new ReceiptPhotoService(conn, purchases, rules, ocr, review)
  return { service, review, rules, ocr }
}
