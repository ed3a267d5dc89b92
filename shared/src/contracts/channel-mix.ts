import * as z from 'zod'

/** How a purchase reached the earn pipeline, as operators and members read it. */
export const PURCHASE_CHANNELS_ZH = {
  till: '门店扫码',
  wechat_pay: '微信支付',
  receipt_photo: '小票拍照',
  service_desk: '服务台补登',
} as const
export type PurchaseChannelName = keyof typeof PURCHASE_CHANNELS_ZH

/** GET /api/ops/channel-mix?from&to&storeId — posted purchases by channel (reversed ones excluded). */
export const channelMixRow = z.object({
  channel: z.string(),
  label: z.string(),
  purchases: z.number().int(),
  salesFen: z.number().int(),
  points: z.number().int(),
})
export const channelMix = z.object({
  range: z.object({ from: z.string(), to: z.string(), storeId: z.string().nullable() }),
  rows: z.array(channelMixRow),
  totals: z.object({ purchases: z.number().int(), salesFen: z.number().int(), points: z.number().int() }),
})
export type ChannelMix = z.infer<typeof channelMix>
