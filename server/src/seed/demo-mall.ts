import sharp from 'sharp'
import type { GiftInput } from '@mall/shared'
import type { AppContext } from '../app-context'
import { pointsMallModels } from '../modules/points-mall/points-mall.model'

const DAY = 86_400_000

/** A plain picture per gift (two-colour gradient), so the demo's catalogue has covers without image files. */
async function cover(from: string, to: string): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
    <rect width="600" height="600" fill="url(#g)"/><circle cx="300" cy="300" r="120" fill="#ffffff" opacity="0.35"/>
  </svg>`
  return `data:image/png;base64,${(await sharp(Buffer.from(svg)).png().toBuffer()).toString('base64')}`
}

const gift = (over: Partial<GiftInput> & Pick<GiftInput, 'name' | 'category' | 'pricePoints'>): GiftInput => ({
  kind: 'voucher',
  description: '',
  imageIds: [],
  cashFen: 0,
  stock: 100,
  perMemberLimit: 1,
  eligibleTiers: [],
  availableFrom: null,
  availableTo: null,
  sort: 0,
  fulfilment: ['pickup'],
  pickupDays: 14,
  refundOnExpiry: true,
  status: 'active',
  ...over,
})

/** 积分商城 on first open: a few gifts through the console's own path (each with its first version). */
export async function seedMallGifts(ctx: AppContext): Promise<void> {
  if ((await pointsMallModels(ctx.conn).Gift.countDocuments({ createdBy: 'demo-seed' }).exec()) > 0) return
  const now = ctx.now()
  const { giftCatalogue, giftImages } = ctx.services.pointsMall
  const image = async (from: string, to: string) =>
    (await giftImages.upload(await cover(from, to), 'demo-seed', now)).imageId
  const gifts: GiftInput[] = [
    gift({
      name: '精致洗车一次',
      category: '生活服务',
      pricePoints: 300,
      description: 'B2 停车场洗车中心，凭提货码到服务台领取洗车券',
      imageIds: [await image('#2f6bff', '#7aa2ff')],
      sort: 1,
    }),
    gift({
      name: '星巴克中杯饮品',
      category: '餐饮',
      pricePoints: 200,
      description: 'L1 星巴克任选中杯饮品一杯',
      imageIds: [await image('#1f9d55', '#8fd6a8')],
      perMemberLimit: 2,
      sort: 2,
    }),
    gift({
      name: '限量帆布袋',
      kind: 'goods',
      category: '精选好物',
      pricePoints: 800,
      cashFen: 1990,
      stock: 30,
      description: '商场周年限定款，服务台自提或快递到家',
      imageIds: [await image('#b25e00', '#ffc36b')],
      fulfilment: ['pickup', 'delivery'],
      availableTo: new Date(now.getTime() + 7 * DAY).toISOString(),
      sort: 3,
    }),
    gift({
      name: '电影院双人观影体验',
      kind: 'experience',
      category: '休闲体验',
      pricePoints: 2500,
      stock: 10,
      eligibleTiers: [2, 3, 4],
      description: 'L6 影城任意场次双人票，银卡及以上会员专享',
      imageIds: [await image('#6a3de8', '#c1a9ff')],
      sort: 4,
    }),
  ]
  for (const g of gifts) await giftCatalogue.create(g, 'demo-seed', now)
}
