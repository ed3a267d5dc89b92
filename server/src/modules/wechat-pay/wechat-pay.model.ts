import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'
import type { TransitionRow } from '../../db/transitions'

/** A notification nonce seen (`_id` = Wechatpay-Nonce): its insert refuses a replay. Swept after 10 min. */
export interface WxNonceDoc {
  _id: string
  at: Date
}

/** WeChat merchant (mchid / sub_mchid) → our store: an operator's setting, the last edit stands. */
export interface WxMerchantDoc {
  _id: string
  /** null: the merchant takes no part in the programme; its payments earn nothing and WeChat is told so */
  storeId: string | null
  updatedAt: Date
  updatedBy: string
}

/** A payment no store or member was found for (`_id` = transaction_id): kept for an operator, never lost. */
export interface WxUnmappedDoc {
  _id: string
  reason: 'unknown_merchant' | 'unknown_member'
  mchid: string
  merchantName: string | null
  shopName: string | null
  amountFen: number
  paidAt: Date
  receivedAt: Date
  /** the decrypted payment, replayed when the operator maps its merchant */
  payment: Record<string, unknown>
}

/** An authorisation state WeChat reported (`_id` = `<openid>:<authorize_time>:<state>`); the newest counts. */
export interface WxAuthorizationDoc {
  _id: string
  openid: string
  state: string
  at: Date
  receivedAt: Date
}

/**
 * A refund WeChat reported (`_id` = refund_id), kept whatever the order: its reversal is the ledger
 * entry keyed `refund:<refund_id>`, posted once the payment's points are (before that it waits here).
 * `outcome` is a cache of that entry (or of the policy refusing the clawback).
 */
export interface WxRefundDoc {
  _id: string
  transactionId: string
  openid: string
  payFen: number
  refundFen: number
  refundedAt: Date
  receivedAt: Date
  settled: boolean
  outcome: 'reversed' | 'refused' | null
  entryId: string | null
}

/**
 * Which refunds a payment has (`_id` = `<transaction_id>#<n>`, a chain claimed by inserts): a payment
 * arriving after its refunds finds them by `_id`, without a scan of all refunds.
 */
export interface WxRefundSlotDoc extends TransitionRow {
  refundId: string
}

/**
 * The points sync (商圈会员积分同步) owed for a payment (`_id` = transaction_id): an outbox row, sent by
 * the sync job until WeChat accepts it. `attempts` and `done` are hints; the attempt rows decide.
 */
export interface WxSyncDoc {
  _id: string
  payload: Record<string, unknown>
  attempts: number
  done: boolean
  nextAt: Date
  createdAt: Date
  lastError: string | null
}

/** One attempt of a sync (`_id` = `<transaction_id>#<n>`): claimed by its insert, so no attempt is sent twice. */
export interface WxSyncAttemptDoc extends TransitionRow {
  outcome: 'accepted' | 'failed' | null
  status: number | null
  code: string | null
}

const schema = <T>(fields: Record<string, unknown>, collection: string) =>
  new Schema<T>({ _id: String, ...fields }, { versionKey: false, collection })

const nonceSchema = schema<WxNonceDoc>({ at: Date }, 'wxpay_nonces')
const merchantSchema = schema<WxMerchantDoc>({ storeId: String, updatedAt: Date, updatedBy: String }, 'wxpay_merchants')
const unmappedSchema = schema<WxUnmappedDoc>(
  {
    reason: String,
    mchid: String,
    merchantName: String,
    shopName: String,
    amountFen: Number,
    paidAt: Date,
    receivedAt: Date,
    payment: Schema.Types.Mixed,
  },
  'wxpay_unmapped',
)
const authorizationSchema = schema<WxAuthorizationDoc>(
  { openid: String, state: String, at: Date, receivedAt: Date },
  'wxpay_authorizations',
)
authorizationSchema.index({ openid: 1, at: -1 })
const refundSchema = schema<WxRefundDoc>(
  {
    transactionId: String,
    openid: String,
    payFen: Number,
    refundFen: Number,
    refundedAt: Date,
    receivedAt: Date,
    settled: Boolean,
    outcome: String,
    entryId: String,
  },
  'wxpay_refunds',
)
refundSchema.index({ settled: 1 }) // the sweeper's unsettled refunds (on MongoDB)
const refundSlotSchema = schema<WxRefundSlotDoc>({ at: Date, settled: Boolean, refundId: String }, 'wxpay_refund_slots')
const syncSchema = schema<WxSyncDoc>(
  {
    payload: Schema.Types.Mixed,
    attempts: Number,
    done: Boolean,
    nextAt: Date,
    createdAt: Date,
    lastError: String,
  },
  'wxpay_syncs',
)
syncSchema.index({ done: 1, nextAt: 1 })
const syncAttemptSchema = schema<WxSyncAttemptDoc>(
  {
    at: Date,
    settled: Boolean,
    outcome: String,
    status: Number,
    code: String,
  },
  'wxpay_sync_attempts',
)

export interface WechatPayModels {
  Nonce: Model<WxNonceDoc>
  Merchant: Model<WxMerchantDoc>
  Unmapped: Model<WxUnmappedDoc>
  Authorization: Model<WxAuthorizationDoc>
  Refund: Model<WxRefundDoc>
  RefundSlot: Model<WxRefundSlotDoc>
  Sync: Model<WxSyncDoc>
  SyncAttempt: Model<WxSyncAttemptDoc>
}

export const wechatPayModels = (conn: Connection): WechatPayModels => ({
  Nonce: getModel(conn, 'WxNonce', nonceSchema),
  Merchant: getModel(conn, 'WxMerchant', merchantSchema),
  Unmapped: getModel(conn, 'WxUnmapped', unmappedSchema),
  Authorization: getModel(conn, 'WxAuthorization', authorizationSchema),
  Refund: getModel(conn, 'WxRefund', refundSchema),
  RefundSlot: getModel(conn, 'WxRefundSlot', refundSlotSchema),
  Sync: getModel(conn, 'WxSync', syncSchema),
  SyncAttempt: getModel(conn, 'WxSyncAttempt', syncAttemptSchema),
})
