import type { StoreDoc } from '../../modules/stores/store.model'
import { HOUR_WEIGHTS, type DemoCalendar } from './calendar'
import { Prng, WeightedTable } from './prng'
import type { CategoryProfile } from './stores'

/**
 * What each demo member does over the year, before any points are worked out: when they joined,
 * who invited them, their purchases (when, where, how much, by which channel) and check-ins. Members
 * differ as in a real programme: most buy a few times a year, some every week, a few spend heavily
 * (they reach the upper tiers); some stop coming (the dormant segment); some never buy.
 */
export interface PlannedPurchase {
  at: Date
  store: StoreDoc
  amountFen: number
  channel: 'till' | 'wechat_pay' | 'receipt_photo' | 'service_desk'
  ref: string
}

export interface PlannedMember {
  id: string
  nickname: string
  joinedAt: Date
  inviterIndex: number | null
  openid: string | null
  purchases: PlannedPurchase[]
  checkinDays: number[]
}

const PERSONAS = [
  { weight: 0.5, perYear: [1, 3], spend: 1 },
  { weight: 0.28, perYear: [3, 7], spend: 1.3 },
  { weight: 0.13, perYear: [8, 16], spend: 1.8 },
  { weight: 0.04, perYear: [16, 36], spend: 3.2 },
  { weight: 0.05, perYear: [0, 0], spend: 1 },
] as const
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高'.split('')
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲晨宇欣怡子轩梓涵浩然'.split('')

export function planMembers(
  rng: Prng,
  count: number,
  cal: DemoCalendar,
  stores: { store: StoreDoc; profile: CategoryProfile }[],
): PlannedMember[] {
  const n = cal.days.length
  const storeVisits = new WeightedTable(stores.map((s) => s.profile.visitWeight / s.profile.brands.length))
  const hours = new WeightedTable(HOUR_WEIGHTS)
  // Joining picks up over the year (the programme grows); a third joined before it.
  const joinTable = new WeightedTable(Array.from({ length: n }, (_, i) => 0.6 + i / n))
  const usedIds = new Set<string>()
  let till = 0
  let txn = 0
  const members: PlannedMember[] = []
  for (let i = 0; i < count; i++) {
    let id: string
    do id = String(rng.int(10_000_000, 99_999_999))
    while (usedIds.has(id))
    usedIds.add(id)
    const before = rng.chance(0.33)
    const joinDay = before ? 0 : joinTable.draw(rng)
    const joinedAt = before
      ? new Date(cal.starts[0]!.getTime() - rng.int(1, 700) * 86400_000)
      : new Date(
          Math.min(
            cal.starts[joinDay]!.getTime() + rng.int(10 * 60, 21 * 60) * 60_000,
            cal.now.getTime() - rng.int(1, 600) * 60_000, // joined today: before now
          ),
        )
    const persona = PERSONAS[rng.weighted(PERSONAS.map((p) => p.weight))]!
    const activeShare = (n - joinDay) / n
    // a quarter of the occasional and regular shoppers stop coming at some point of the year
    const stopsAt = persona.perYear[1] <= 7 && rng.chance(0.25) ? rng.int(joinDay, n - 1) : n
    const purchases = Math.round(rng.int(persona.perYear[0], persona.perYear[1]) * activeShare)
    const favourites = Array.from({ length: rng.int(3, 6) }, () => storeVisits.draw(rng))
    const planned: PlannedPurchase[] = []
    for (let k = 0; k < purchases; k++) {
      const day = cal.table.draw(rng, joinDay)
      if (day > stopsAt) continue
      const s = stores[rng.chance(0.75) ? rng.pick(favourites) : storeVisits.draw(rng)]!
      const at = new Date(cal.starts[day]!.getTime() + (10 + hours.draw(rng)) * 3600_000 + rng.int(0, 3599) * 1000)
      if (at < joinedAt || at >= cal.now) continue
      const yuan = Math.max(8, rng.logNormal(s.profile.medianYuan * persona.spend, s.profile.sigma))
      const amountFen = Math.min(Math.round(yuan * 10) * 10, 49_999_00)
      const channel = channelOn(rng, day / n)
      const ref =
        channel === 'wechat_pay'
          ? `4200${cal.days[day]!.replace(/-/g, '')}${String(++txn).padStart(16, '0')}`
          : `R${cal.days[day]!.replace(/-/g, '').slice(2)}${String(++till).padStart(7, '0')}`
      planned.push({ at, store: s.store, amountFen, channel, ref })
    }
    planned.sort((a, b) => a.at.getTime() - b.at.getTime())
    // Check-in regulars: each took up the daily check-in on a day of the last two months (members adopt
    // it over weeks, so the dashboard's 30 days show it growing), and checks in on most days since.
    const checkinDays: number[] = []
    if (rng.chance(0.05)) {
      const p = rng.pick([0.45, 0.7, 0.92])
      for (let d = Math.max(joinDay + 1, n - rng.int(7, 60)); d < n; d++) if (rng.chance(p)) checkinDays.push(d)
    }
    members.push({
      id,
      nickname: `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}${rng.chance(0.5) ? rng.pick(GIVEN) : ''}`,
      joinedAt,
      inviterIndex: before ? -1 : null,
      openid: rng.chance(0.6) ? `o-demo-${id}` : null,
      purchases: planned,
      checkinDays,
    })
  }
  // In the order they joined; 7% of those who joined during the year came through an earlier member's link.
  members.sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime())
  members.forEach((m, i) => {
    m.inviterIndex = m.inviterIndex === null && i > 50 && rng.chance(0.07) ? rng.int(0, i - 1) : null
  })
  return members
}

/** 微信支付 智慧商圈 opened a third into the year and grew; 小票拍照 later; a few 服务台补登 throughout. */
function channelOn(rng: Prng, yearShare: number): PlannedPurchase['channel'] {
  const wechat = yearShare < 0.33 ? 0 : Math.min(0.42, 0.12 + (yearShare - 0.33) * 0.6)
  const photo = yearShare < 0.6 ? 0 : 0.05
  const u = rng.next()
  if (u < wechat) return 'wechat_pay'
  if (u < wechat + photo) return 'receipt_photo'
  if (u < wechat + photo + 0.012) return 'service_desk'
  return 'till'
}
