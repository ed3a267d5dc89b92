import type { Connection } from 'mongoose'
import { shanghaiDay } from '@mall/shared'
import type { AppContext } from '../app-context'
import { staffModel } from '../modules/staff/staff.model'
import { StaffService } from '../modules/staff/staff.service'
import { storeModel, type StoreDoc } from '../modules/stores/store.model'
import { seedDemoCoupons } from './demo-coupons'
import { seedMallGifts } from './demo-mall'
import { seedDemoLottery } from './demo-lottery'
import { seedDemoHomeContent } from './demo-home'
import { seedDemoTillDay } from './demo-today'
import { seedMall, type MallSize } from './mall'

/**
 * Demo data for the one-command run. Idempotent: every row has a fixed key, every ledger posting a
 * fixed event key, so restarting the demo never duplicates anything.
 */
export const DEMO_STORES: StoreDoc[] = [
  {
    _id: 'S001',
    name: '星巴克 Starbucks',
    floor: 'L1',
    category: '餐饮',
    multiplierPermille: 1000,
    opensAt: '07:30',
    closesAt: '22:00',
    active: true,
  },
  {
    _id: 'S002',
    name: '优衣库 UNIQLO',
    floor: 'L2',
    category: '服饰',
    multiplierPermille: 1000,
    opensAt: '10:00',
    closesAt: '22:00',
    active: true,
  },
  {
    _id: 'S003',
    name: '海底捞火锅',
    floor: 'L5',
    category: '餐饮',
    multiplierPermille: 1500,
    opensAt: '10:00',
    closesAt: '23:59',
    active: true,
  },
  {
    _id: 'S004',
    name: '丝芙兰 SEPHORA',
    floor: 'L1',
    category: '美妆',
    multiplierPermille: 1200,
    opensAt: '10:00',
    closesAt: '22:00',
    active: true,
  },
  {
    _id: 'DESK',
    name: '商场服务台',
    floor: 'L1',
    category: '服务',
    multiplierPermille: 1000,
    opensAt: '10:00',
    closesAt: '22:00',
    active: true,
  },
]

export const DEMO_PASSWORD = 'demo1234'
const DAY = 86_400_000
const HOUR = 3_600_000

const DEMO_STAFF = [
  { username: 'clerk1', displayName: '张店员（星巴克）', role: 'clerk', storeId: 'S001' },
  { username: 'clerk2', displayName: '李店员（优衣库）', role: 'clerk', storeId: 'S002' },
  { username: 'manager1', displayName: '王店长（星巴克）', role: 'manager', storeId: 'S001' },
  { username: 'operator', displayName: '赵运营（商场）', role: 'operator', storeId: null },
  // the mall's service desk: reviews members' receipt photos (小票审核) and missing-points claims
  { username: 'desk1', displayName: '陈客服（服务台）', role: 'clerk', storeId: 'DESK' },
] as const

/** Purchases as [days ago, store, amount in fen]; recorded through the real award flow. */
const DEMO_MEMBERS = [
  {
    devUser: 'alice',
    nickname: 'Alice 王',
    purchases: [
      [-300, 'S002', 1_299_00],
      [-40, 'S001', 58_00],
      [-20, 'S002', 2_599_00],
      [-3, 'S003', 456_00],
    ],
  },
  {
    devUser: 'bob',
    nickname: 'Bob 李',
    purchases: [
      [-200, 'S002', 899_00],
      [-10, 'S004', 320_00],
    ],
  },
  { devUser: 'carol', nickname: 'Carol 张', purchases: [] },
] as const

/** The banner's demo lines; the second factor's line says what this start does (OPERATOR_TOTP). */
export function demoLogins(operatorTotp: boolean): string[] {
  return [
    'Members (H5 体验登录): alice, bob, carol',
    `Staff (password ${DEMO_PASSWORD}): clerk1 (星巴克 clerk), clerk2 (优衣库 clerk), manager1 (星巴克 manager), ` +
      'desk1 (service desk), operator',
    operatorTotp
      ? 'The operator enrols an authenticator app at the first console login (docs/privacy-security.md)'
      : 'OPERATOR_TOTP=false: the operator signs in with the password alone (never in production)',
  ]
}

/**
 * The demo's accounts and a few hand-made members (the small seed tests use); with `mall`, also a whole mall
 * with a year of history (seed/mall). Returns what the mall seed wrote, or null when it was not asked for or
 * had run before.
 */
export async function seedDemo(
  ctx: AppContext,
  conn: Connection,
  options: { mall?: MallSize } = {},
): Promise<Record<string, number> | null> {
  const Store = storeModel(conn)
  for (const store of DEMO_STORES) await Store.updateOne({ _id: store._id }, { $set: store }, { upsert: true }).exec()

  const Staff = staffModel(conn)
  for (const s of DEMO_STAFF) {
    if (await Staff.exists({ _id: s.username })) continue
    await Staff.create({
      _id: s.username,
      displayName: s.displayName,
      role: s.role,
      storeId: s.storeId,
      passwordHash: await StaffService.hashPassword(DEMO_PASSWORD),
    })
  }

  const now = ctx.now()
  const { services } = ctx
  // alice first: carol joins through her invite link
  const inviter = await registerDemoMember(ctx, DEMO_MEMBERS[0], now, undefined)
  const memberIds = new Map<string, string>()
  for (const m of DEMO_MEMBERS) {
    const inviterCode = m.devUser === 'carol' ? inviter.inviteCode : undefined
    const member = await registerDemoMember(ctx, m, now, inviterCode)
    memberIds.set(m.devUser, member._id)
    for (const event of demoHistory(m)) {
      const at = new Date(now.getTime() + event.at)
      if (!event.purchase) {
        await services.checkin.checkIn(member._id, at)
        continue
      }
      const { storeId, fen, daysAgo } = event.purchase
      // History recorded by a seed account per store (as a manager, so large receipts need no approval).
      const staff = { sub: `seed-${storeId.toLowerCase()}`, role: 'manager' as const, storeId }
      const scanToken = ctx.tokens.sign('scan', { sub: member._id, staffId: staff.sub, storeId }, at).token
      await services.tillAwards.award(
        staff,
        { scanToken, receiptNo: `DEMO-${m.devUser}-${-daysAgo}`, amountFen: fen },
        at,
      )
    }
  }
  await seedDemoTillDay(ctx, memberIds)
  await seedDemoCoupons(ctx, conn, now)
  await seedInsight(ctx, inviter._id)
  await seedMallGifts(ctx)
  await seedDemoLottery(ctx)
  await seedDemoHomeContent(ctx)
  return options.mall ? seedMall(ctx, conn, options.mall) : null
}

type DemoMember = (typeof DEMO_MEMBERS)[number]

/**
 * A hand-made member's purchases and the last four days' check-ins in time order (ms from now). The wallet
 * lists entries in the order they were posted, so they are posted as they would have happened.
 */
function demoHistory(m: DemoMember) {
  return [
    ...m.purchases.map(([daysAgo, storeId, fen]) => ({
      at: daysAgo * DAY + HOUR,
      purchase: { storeId, fen, daysAgo },
    })),
    ...[-4, -3, -2, -1].map((daysAgo) => ({ at: daysAgo * DAY, purchase: null })),
  ].sort((a, b) => a.at - b.at)
}

/** Registered (with the welcome gift) a month before the first thing the member did. */
async function registerDemoMember(ctx: AppContext, m: DemoMember, now: Date, inviterCode: string | undefined) {
  const { member } = await ctx.services.members.findOrRegister({
    identity: `dev:${m.devUser}`,
    nickname: m.nickname,
    channel: 'dev',
    now: new Date(now.getTime() + demoHistory(m)[0]!.at - 30 * DAY),
    inviterCode,
  })
  return member
}

/** Something for the console's segments, campaigns and sales-share pages to show on first open. */
async function seedInsight(ctx: AppContext, aliceId: string): Promise<void> {
  const { services } = ctx
  const now = ctx.now()
  // Alice's birthday is this month, so the birthday-gift simulator has someone to find.
  const month = shanghaiDay(now).slice(5, 7)
  await services.members.setBirthday(aliceId, `1992-${month}-08`, now).catch(() => undefined) // set on an earlier run
  if ((await services.segments.list(now)).length > 0) return
  const segments = [
    {
      name: '高价值会员',
      description: '近12个月消费金额评分4分及以上',
      definition: { rfm: { m: { min: 4 } } },
      note: '演示数据',
    },
    { name: '沉睡会员召回', description: '90天以上未消费', definition: { notPurchasedForDays: 90 }, note: '演示数据' },
  ]
  for (const s of segments) await services.segments.create(s, 'operator', now)
  const day = 86400_000
  await services.campaigns.create(
    {
      name: '本月会员生日礼',
      kind: 'birthday_gift',
      segmentId: null,
      reward: { points: null, couponTemplateId: null },
      budget: { maxGrants: 500 },
      startsAt: new Date(now.getTime() - day).toISOString(),
      endsAt: new Date(now.getTime() + 60 * day).toISOString(),
    },
    'operator',
    now,
  )
  const manager = { sub: 'manager1', role: 'manager' as const, storeId: 'S001' }
  await services.storeSales
    .report(manager, { day: shanghaiDay(now), totalSalesFen: 12_800_00, receipts: 96 }, now)
    .catch(() => undefined)
}
