import * as z from 'zod'

/**
 * The member app's home page as operators manage it: banners, mall announcements and events (one
 * versioned document, `GET/PUT /api/ops/home-content`), shown with the store directory
 * (`GET /api/home`). Links only open pages of the app itself: a banner cannot send members off-site.
 */

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]+$/u, '不能包含控制字符')
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, '不能包含控制字符')
    .default('')
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD')
const itemId = z.string().regex(/^[a-z0-9-]{1,24}$/, '编号为 1–24 位小写字母、数字或 -')
/** a page of the member app, e.g. /pages/coupons/index */
export const appPagePath = z
  .string()
  .regex(/^\/pages\/[a-z-]+\/index(\?[A-Za-z0-9=&_-]*)?$/, '链接须为小程序内页面，如 /pages/coupons/index')
/** an https image (banner picture, store logo); empty = none */
export const httpsImageUrl = z
  .string()
  .trim()
  .max(300)
  .regex(/^(https:\/\/[^\s]+)?$/, '图片地址须以 https:// 开头')
const imageUrl = httpsImageUrl.default('')

export const homeBanner = z.strictObject({
  id: itemId,
  title: text(24),
  subtitle: optionalText(40),
  imageUrl,
  /** the page a tap opens; '' = none */
  link: z.union([appPagePath, z.literal('')]).default(''),
})
export type HomeBanner = z.infer<typeof homeBanner>

export const homeAnnouncement = z.strictObject({
  id: itemId,
  title: text(40),
  body: optionalText(300),
  publishedOn: day,
})
export type HomeAnnouncement = z.infer<typeof homeAnnouncement>

const endsAfterStart = { message: '结束日期不能早于开始日期', path: ['endsOn'] }
export const homeEvent = z
  .strictObject({
    id: itemId,
    title: text(30),
    place: optionalText(30),
    summary: optionalText(120),
    startsOn: day,
    endsOn: day,
  })
  .refine((e) => e.startsOn <= e.endsOn, endsAfterStart)
export type HomeEvent = z.infer<typeof homeEvent>

const uniqueIds = (items: { id: string }[]) => new Set(items.map((i) => i.id)).size === items.length
const listOf = <T extends z.ZodType<{ id: string }>>(item: T, max: number) =>
  z.array(item).max(max).refine(uniqueIds, '编号重复')

export const homeContentFields = {
  banners: listOf(homeBanner, 6),
  announcements: listOf(homeAnnouncement, 10),
  events: listOf(homeEvent, 20),
}
export type HomeContentConfig = {
  banners: HomeBanner[]
  announcements: HomeAnnouncement[]
  events: HomeEvent[]
}

export const homeContentUpdateRequest = z.strictObject({
  ...homeContentFields,
  /** the version the editor saw (0 = never edited) */
  version: z.number().int().min(0).max(1_000_000),
  note: optionalText(200),
})
export type HomeContentUpdateRequest = z.infer<typeof homeContentUpdateRequest>

export const homeContentView = z.object({ ...homeContentFields, version: z.number().int() })
export type HomeContentView = z.infer<typeof homeContentView>

/** One store of the directory, as members see it. */
export const directoryStore = z.object({
  id: z.string(),
  name: z.string(),
  floor: z.string(),
  category: z.string(),
  opensAt: z.string(),
  closesAt: z.string(),
  /** '' when the store has no logo (the app shows its first character) */
  logoUrl: z.string(),
})
export type DirectoryStore = z.infer<typeof directoryStore>

/** GET /api/home: what the member app's home page shows (events that have not ended yet). */
export const memberHomeView = z.object({
  banners: z.array(homeBanner),
  announcements: z.array(homeAnnouncement),
  events: z.array(homeEvent),
  stores: z.array(directoryStore),
})
export type MemberHomeView = z.infer<typeof memberHomeView>
