import type { Logger } from 'pino'
import { buildAccountDeletion } from '../modules/account-deletion/account-deletion.module'
import { AuthService } from '../modules/auth/auth.service'
import { HomeContentService } from '../modules/home-content/home-content.service'
import { MemberDirectoryService } from '../modules/insight/member-directory.service'
import { buildLottery } from '../modules/lottery/lottery.module'
import { MemberAdminService } from '../modules/member-admin/member-admin.service'
import { KpiService } from '../modules/ops/kpi.service'
import { RulesAdminService } from '../modules/ops/rules-admin.service'
import { pointsClaimModels } from '../modules/points-claims/points-claim.model'
import { PointsClaimService } from '../modules/points-claims/points-claim.service'
import { buildPointsMall } from '../modules/points-mall/points-mall.module'
import { buildReceiptPhotos } from '../modules/receipt-photos/receipt-photo.module'
import { StaffAdminService } from '../modules/staff/staff-admin.service'
import { StaffService } from '../modules/staff/staff.service'
import { StoreSalesService } from '../modules/staff/store-sales.service'
import { StaffWorkspaceService } from '../modules/staff/workspace.service'
import { StoreAdminService } from '../modules/stores/store-admin.service'
import type { WechatClient } from '../modules/wechat/wechat-client'
import { WechatPayOps } from '../modules/wechat-pay/wechat-pay-ops'
import { buildWechatPay, type WechatPayParts } from '../modules/wechat-pay/wechat-pay.module'
import { wechatPayModels } from '../modules/wechat-pay/wechat-pay.model'
import type { Core } from './core'
import { buildCoupons, buildEarning, type CouponServices } from './earning-and-coupons'
import { buildEngagement } from './engagement'
import type { Services } from './services'

/** The services, plus the pieces only background jobs reach. */
export interface BuiltServices {
  services: Services
  tierMonthlyCoupons: CouponServices['tierMonthlyCoupons']
  wechatPayRefunds: WechatPayParts['refunds']
}

/**
 * Builds every domain on the core, in the order they depend on each other: earning and coupons, what brings
 * members back (listening to purchases), the self-contained modules, then the staff and operator consoles.
 */
export function buildServices(core: Core, wechat: WechatClient, logger: Logger): BuiltServices {
  const { conn, config, tokens, ledger, members, rules } = core
  const earning = buildEarning(core)
  const { purchases } = earning
  const { tierMonthlyCoupons, ...coupons } = buildCoupons(core)
  const { couponClaims, couponCatalog } = coupons
  const engagement = buildEngagement(core, earning, coupons, wechat, logger)
  const { feedback, insight } = engagement

  const wechatPay = buildWechatPay(conn, config, purchases, ledger, members, rules, logger)
  const receiptPhotos = buildReceiptPhotos(conn, purchases, ledger, rules, logger)
  const pointsMall = buildPointsMall(conn, config.auth.memberCodeSecret, ledger, members, rules)
  const modules = {
    wechatPay: wechatPay.service,
    wechatPaySyncs: wechatPay.sync,
    receiptPhotos: receiptPhotos.service,
    receiptReview: receiptPhotos.review,
    receiptPhotoRules: receiptPhotos.rules,
    receiptOcr: receiptPhotos.ocr,
    pointsMall,
    lottery: buildLottery(conn, { ledger, members, rules, coupons: couponClaims, catalog: couponCatalog, pointsMall }),
    wechatPayOps: new WechatPayOps(wechatPayModels(conn)),
    pointsClaims: new PointsClaimService(pointsClaimModels(conn), purchases, members, rules, {
      models: wechatPayModels(conn),
      client: wechatPay.client,
      service: wechatPay.service,
      appId: config.wechat.appId,
    }),
  }

  const accountDeletion = buildAccountDeletion(core)
  const workspace = new StaffWorkspaceService(conn, rules)
  const storeSales = new StoreSalesService(conn, workspace)
  const staffAndOperators = {
    auth: new AuthService(conn, members, tokens, wechat, config.auth.devLogin),
    staff: new StaffService(conn, tokens, config.auth.operatorTotp),
    workspace,
    storeSales,
    kpis: new KpiService(conn, feedback, insight, rules, storeSales),
    rulesAdmin: new RulesAdminService(conn, rules),
    memberDirectory: new MemberDirectoryService(conn, insight, members, ledger, rules, (ids) =>
      accountDeletion.statesOf(ids),
    ),
    storeAdmin: new StoreAdminService(conn, (storeId) => purchases.stores.forget(storeId)),
    staffAdmin: new StaffAdminService(conn),
    memberAdmin: new MemberAdminService(conn, {
      ledger,
      members,
      rules,
      approvalThreshold: config.memberAdmin.approvalThresholdPoints,
    }),
    homeContent: new HomeContentService(conn),
    accountDeletion,
  }

  const services: Services = {
    ledger,
    members,
    rules,
    ...earning,
    ...coupons,
    ...engagement,
    ...modules,
    ...staffAndOperators,
  }
  return { services, tierMonthlyCoupons, wechatPayRefunds: wechatPay.refunds }
}
