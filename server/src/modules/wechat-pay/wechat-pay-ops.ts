import type { WechatMerchantsPage } from '@mall/shared'
import type { WechatPayModels, WxMerchantDoc } from './wechat-pay.model'

/** The operator's view of the merchant → store mapping (the console's 商户关联 list). */
export class WechatPayOps {
  constructor(private readonly m: WechatPayModels) {}

  async merchants(): Promise<WechatMerchantsPage> {
    const rows = await this.m.Merchant.find({}).sort({ _id: 1 }).limit(1000).lean<WxMerchantDoc[]>().exec()
    return {
      items: rows.map((r) => ({
        mchid: r._id,
        storeId: r.storeId,
        updatedAt: new Date(r.updatedAt).toISOString(),
        updatedBy: r.updatedBy,
      })),
    }
  }
}
