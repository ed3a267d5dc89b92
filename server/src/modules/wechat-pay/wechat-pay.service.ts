import { trusted } from 'mongoose'
import type { Logger } from 'pino'
import type { AppConfig } from '@mall/config'
import {
  mallAuthorizationResource,
  mallPaymentResource,
  mallRefundResource,
  parseWechatTime,
  wechatPayNotification,
  wechatTime,
  type MallAuthorizationResource,
  type MallPaymentResource,
  type MallRefundResource,
  type QueuedPaymentRetry,
  type MemberWechatPayStatus,
  type UnmappedPaymentsPage,
  type WechatMerchantMapping,
} from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { DomainError } from '../../errors/domain-error'
import { insertOnce } from '../../db/connect'
import type { LedgerService } from '../ledger/ledger.service'
import type { MemberService } from '../members/member.service'
import { memberModels } from '../members/member.model'
import type { PurchaseService } from '../points/purchase.service'
import type { ProgramRules } from '../rules/program-rules'
import { decryptResource, NotificationRefused, PlatformKeys, type SignedHeaders } from './apiv3'
import { WechatPayAuthorizations } from './wechat-pay-authorizations'
import type { WechatPayClient } from './wechat-pay-client'
import type { WechatPayRefunds } from './wechat-pay-refunds'
import type { WechatPaySync } from './wechat-pay-sync'
import type { WechatPayModels, WxMerchantDoc, WxUnmappedDoc } from './wechat-pay.model'

export type NotificationEndpoint = 'authorization' | 'transaction'

/**
 * WeChat Pay 智慧商圈: a member who authorised pay-to-earn pays at a store in the mall, WeChat notifies us,
 * the payment earns points through the one earn pipeline (keyed by transaction_id, by the till's rules),
 * and we tell WeChat what it earned (the sync outbox). Refunds take their share back (refunds.ts).
 * Every notification is checked (signature, serial, timestamp window, nonce) and decrypted before
 * anything is written; a refused one writes nothing.
 */
export class WechatPayService {
  private readonly keys: PlatformKeys
  private readonly Identity
  private readonly authorizations: WechatPayAuthorizations

  constructor(
    private readonly m: WechatPayModels,
    private readonly cfg: AppConfig['wechatPay'] & { appId: string },
    private readonly purchases: PurchaseService,
    private readonly ledger: LedgerService,
    members: MemberService,
    private readonly rules: ProgramRules,
    private readonly refunds: WechatPayRefunds,
    private readonly sync: WechatPaySync,
    client: WechatPayClient,
    private readonly logger: Logger,
    conn: Parameters<typeof memberModels>[0],
  ) {
    this.keys = new PlatformKeys(cfg.platformKeys)
    this.Identity = memberModels(conn).MemberIdentity
    this.authorizations = new WechatPayAuthorizations(m, cfg, members, client)
  }

  /** Verifies, decrypts and handles one notification; throws NotificationRefused to refuse it. */
  async accept(endpoint: NotificationEndpoint, headers: SignedHeaders, body: string, now: Date): Promise<void> {
    this.keys.verify(headers, body, now)
    const envelope = parse(wechatPayNotification, safeJson(body))
    const plain = safeJson(decryptResource(this.cfg.apiV3Key, envelope.resource))
    const kind =
      endpoint === 'authorization'
        ? 'authorization'
        : envelope.event_type === 'MALL_REFUND.SUCCESS'
          ? 'refund'
          : 'payment'
    const resource =
      kind === 'authorization'
        ? parse(mallAuthorizationResource, plain)
        : kind === 'refund'
          ? parse(mallRefundResource, plain)
          : parse(mallPaymentResource, plain)
    // Last of the checks, so a refused notification writes nothing; WeChat's own retries come with new nonces.
    if (!(await insertOnce(this.m.Nonce, { _id: headers.nonce, at: now })))
      throw new NotificationRefused(401, 'SIGN_ERROR', 'replayed nonce')
    if (kind === 'authorization') return this.authorizations.record(resource as MallAuthorizationResource, now)
    if (kind === 'refund') {
      const r = resource as MallRefundResource
      return this.refunds.received(r, parseWechatTime(r.refund_time) ?? now, now)
    }
    await this.paid(resource as MallPaymentResource, now)
  }

  /** A payment: earn by the till's rules, keyed by transaction_id; unknown merchant or payer → queue. */
  async paid(p: MallPaymentResource, now: Date): Promise<'earned' | 'queued'> {
    const paidAt = parseWechatTime(p.time_end) ?? now
    const merchant =
      (p.sub_mchid ? await findById<WxMerchantDoc>(this.m.Merchant, p.sub_mchid) : null) ??
      (await findById<WxMerchantDoc>(this.m.Merchant, p.mchid))
    // A merchant outside the programme: nothing to earn whoever paid, and WeChat is told why.
    if (merchant && merchant.storeId === null) return this.earnedNothing(p, '该商户不参与商场积分', now)
    const storeId = merchant?.storeId
      ? await this.purchases.stores.active(merchant.storeId).then(
          (s) => s._id,
          () => null,
        )
      : null
    if (!storeId) return this.queue(p, 'unknown_merchant', paidAt, now)
    const identity = await this.Identity.findById(`wx:${p.openid}`).lean<{ memberId: string }>().exec()
    if (!identity) return this.queue(p, 'unknown_member', paidAt, now)
    const txn = p.transaction_id
    // The per-receipt maximum holds for every channel; such a payment earns nothing, and WeChat is told so.
    const { earning } = await this.rules.current()
    const { points, memberId, remark, balance } =
      p.amount > earning.maxReceiptFen
        ? { points: 0, memberId: identity.memberId, remark: '单笔金额超过积分上限', balance: null }
        : await this.earn(p, storeId, identity.memberId, paidAt, now)
    // The balance the posting left (a fresh posting knows it); otherwise the wallet's head.
    const total = balance ?? (await this.ledger.head(memberId)).state.balance
    await this.sync.owe(
      {
        transaction_id: txn,
        appid: p.appid,
        openid: p.openid,
        earn_points: points > 0,
        increased_points: Math.max(0, points),
        points_update_time: wechatTime(now),
        total_points: total,
        ...(points > 0 ? {} : { no_points_remarks: remark }),
      },
      now,
    )
    await this.refunds.paymentPosted(txn, now)
    return 'earned'
  }

  /** A payment that earns nothing wherever it is from: synced as such (its payer's balance when a member). */
  private async earnedNothing(p: MallPaymentResource, remark: string, now: Date): Promise<'earned'> {
    const identity = await this.Identity.findById(`wx:${p.openid}`).lean<{ memberId: string }>().exec()
    const total = identity ? (await this.ledger.head(identity.memberId)).state.balance : undefined
    await this.sync.owe(
      {
        transaction_id: p.transaction_id,
        appid: p.appid,
        openid: p.openid,
        earn_points: false,
        increased_points: 0,
        points_update_time: wechatTime(now),
        ...(total === undefined ? {} : { total_points: total }),
        no_points_remarks: remark,
      },
      now,
    )
    await this.refunds.paymentPosted(p.transaction_id, now)
    return 'earned'
  }

  /** Records and posts the payment (keyed by transaction_id), or finds the channel that recorded it first. */
  private async earn(p: MallPaymentResource, storeId: string, memberId: string, paidAt: Date, now: Date) {
    const txn = p.transaction_id
    const recorded = await this.purchases.recordPurchase(
      {
        channel: 'wechat_pay',
        purchaseId: `wx:${txn}`,
        storeId,
        receiptNo: txn,
        transactionId: txn,
        memberId,
        amountFen: p.amount,
        at: paidAt,
        by: 'wechat_pay',
      },
      now,
    )
    if (recorded.outcome !== 'linked') {
      const { points, balanceAfter, breakdown } = recorded.result
      return { points, memberId, remark: noPointsRemark(breakdown), balance: balanceAfter }
    }
    // Another channel (a clerk's scan with this transaction id) recorded the payment: it earns there, once.
    if (!recorded.purchase) throw new NotificationRefused(500, 'FAIL', 'payment being recorded by another channel')
    return {
      points: recorded.purchase.points,
      memberId: recorded.purchase.memberId,
      remark: '已在门店积分',
      balance: null,
    }
  }

  private async queue(
    p: MallPaymentResource,
    reason: WxUnmappedDoc['reason'],
    paidAt: Date,
    now: Date,
  ): Promise<'queued'> {
    this.logger.warn(
      { transactionId: p.transaction_id, mchid: p.mchid, reason },
      'wechat pay payment queued for an operator',
    )
    const first = await insertOnce(this.m.Unmapped, {
      _id: p.transaction_id,
      reason,
      mchid: p.sub_mchid ?? p.mchid,
      merchantName: p.merchant_name ?? null,
      shopName: p.shop_name ?? null,
      amountFen: p.amount,
      paidAt,
      receivedAt: now,
      payment: { ...p },
    } satisfies WxUnmappedDoc as never)
    // Queued before for another reason (its merchant was mapped since): the row says what it waits for now.
    if (!first) await updateById(this.m.Unmapped, p.transaction_id, { $set: { reason } })
    return 'queued'
  }

  /** Is pay-to-earn on for this member (wechat-pay-authorizations.ts). */
  status(memberId: string, now: Date): Promise<MemberWechatPayStatus> {
    return this.authorizations.status(memberId, now)
  }

  async unmapped(): Promise<UnmappedPaymentsPage> {
    const rows = await this.m.Unmapped.find({}).sort({ receivedAt: -1 }).limit(200).lean<WxUnmappedDoc[]>().exec()
    return {
      items: rows.map((r) => ({
        transactionId: r._id,
        reason: r.reason,
        mchid: r.mchid,
        merchantName: r.merchantName,
        shopName: r.shopName,
        amountFen: r.amountFen,
        paidAt: new Date(r.paidAt).toISOString(),
        receivedAt: new Date(r.receivedAt).toISOString(),
      })),
    }
  }

  /**
   * An operator maps a WeChat merchant to a store, or (null) marks it as outside the programme; its queued
   * payments are then settled (earned once each, or synced as earning nothing).
   */
  async mapMerchant(mchid: string, storeId: string | null, by: string, now: Date): Promise<WechatMerchantMapping> {
    if (storeId) await this.purchases.stores.active(storeId)
    await this.m.Merchant.updateOne(
      { _id: mchid },
      { $set: { storeId, updatedAt: now, updatedBy: by } },
      { upsert: true },
    ).exec()
    const queued = await this.m.Unmapped.find({ mchid, reason: 'unknown_merchant' }).lean<WxUnmappedDoc[]>().exec()
    for (const row of queued) await this.retry(row, now)
    return { mchid, storeId, updatedAt: now.toISOString(), updatedBy: by }
  }

  /** An operator retries a queued payment (its payer has logged in since, say); it earns once or stays queued. */
  async retryQueued(transactionId: string, now: Date): Promise<QueuedPaymentRetry> {
    const row = await findById<WxUnmappedDoc>(this.m.Unmapped, transactionId)
    if (!row) throw new DomainError('PURCHASE.NOT_FOUND', 'no queued payment with this transaction id')
    const outcome = await this.retry(row, now)
    const reason =
      outcome === 'queued' ? ((await findById<WxUnmappedDoc>(this.m.Unmapped, transactionId))?.reason ?? null) : null
    return { transactionId, outcome, reason }
  }

  private async retry(row: WxUnmappedDoc, now: Date): Promise<'earned' | 'queued'> {
    const outcome = await this.paid(row.payment as MallPaymentResource, now)
    // Earned (once, by its keys): it waits for nothing any more.
    if (outcome === 'earned') await this.m.Unmapped.deleteOne({ _id: row._id }).exec()
    return outcome
  }

  /** Nonces older than the timestamp window can never be replayed (their timestamp is refused). */
  async sweepNonces(now: Date): Promise<number> {
    const res = await this.m.Nonce.deleteMany({ at: trusted({ $lt: new Date(now.getTime() - 10 * 60_000) }) }).exec()
    return res.deletedCount
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new NotificationRefused(400, 'PARAM_ERROR', 'body is not JSON')
  }
}

function parse<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new NotificationRefused(400, 'PARAM_ERROR', 'notification fields invalid')
  return parsed.data
}

/** Why a posted payment earned nothing, in WeChat's no_points_remarks: a cap the member reached, else the rules. */
function noPointsRemark(breakdown: Record<string, unknown> | null): string {
  if (breakdown?.cappedBy === 'daily') return '已达当日积分上限'
  if (breakdown?.cappedBy === 'balance') return '积分已达账户上限'
  return '本笔消费不参与积分'
}
