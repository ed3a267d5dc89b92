import {
  birthdayMonthOf,
  churnRisk,
  DEFAULT_INSIGHT_CONFIG,
  describeSegment,
  insightDefinitions,
  lifecycleStage,
  matchesSegment,
  memberInsight,
  rfmScore,
  segmentDefinition,
  type InsightConfig,
  type PurchaseFact,
  type SegmentProfile,
} from '../src'

const NOW = new Date('2026-06-30T12:00:00Z')
const DAY = 86_400_000
/** a purchase `daysAgo` days (fractions allowed) before NOW */
const p = (daysAgo: number, yuan = 100): PurchaseFact => ({
  at: new Date(NOW.getTime() - daysAgo * DAY),
  amountFen: yuan * 100,
})
const ago = (days: number) => new Date(NOW.getTime() - days * DAY)

describe('RFM scores (fixed thresholds)', () => {
  it('scores recency by whole days since the last purchase: <7 / <30 / <90 / <180 → 5/4/3/2, else 1', () => {
    const r = (daysAgo: number) => rfmScore([p(daysAgo)], NOW).r
    expect([r(0), r(6.99), r(7), r(29.5), r(30), r(89), r(90), r(179), r(180), r(400)]).toEqual([
      5, 5, 4, 4, 3, 3, 2, 2, 1, 1,
    ])
    expect(rfmScore([], NOW)).toEqual({
      r: 1,
      f: 1,
      m: 1,
      code: '111',
      recencyDays: null,
      frequency: 0,
      monetaryFen: 0,
    })
  })

  it('counts frequency and spend in the last 365 days only: ≥52/≥12/≥4/≥2 purchases, ≥10000/3000/1000/200 yuan', () => {
    const weekly = Array.from({ length: 52 }, (_, i) => p(i * 7, 250)) // 52 × 250 = 13,000 yuan
    expect(rfmScore(weekly, NOW)).toMatchObject({
      r: 5,
      f: 5,
      m: 5,
      code: '555',
      frequency: 52,
      monetaryFen: 13_000_00,
    })
    const monthly = Array.from({ length: 12 }, (_, i) => p(i * 30 + 3, 250)) // 12 × 250 = 3,000 yuan
    expect(rfmScore(monthly, NOW)).toMatchObject({ r: 5, f: 4, m: 4, frequency: 12, monetaryFen: 3_000_00 })
    // one purchase 364.9 days ago counts, one 365 days ago does not
    expect(rfmScore([p(364.9, 999), p(365, 5000), p(100, 1)], NOW)).toMatchObject({
      r: 2,
      f: 2,
      m: 3,
      frequency: 2,
      monetaryFen: 1_000_00,
    })
    expect(rfmScore([{ at: ago(10), amountFen: 199_99 }], NOW)).toMatchObject({ f: 1, m: 1 })
    expect(rfmScore([p(1, 200), p(2, 300), p(3, 500), p(4)], NOW)).toMatchObject({ f: 3, m: 3, monetaryFen: 1_100_00 })
  })

  it('ignores purchases after `now` (insight as of a past day)', () => {
    expect(rfmScore([p(-1), p(40)], NOW)).toMatchObject({ recencyDays: 40, frequency: 1 })
  })

  it('uses configurable thresholds', () => {
    const cfg: InsightConfig = {
      ...DEFAULT_INSIGHT_CONFIG,
      rfm: { recencyDays: [1, 2, 3, 4], frequency: [5, 4, 3, 2], monetaryFen: [500, 400, 300, 200] },
    }
    expect(rfmScore([p(2.5, 1), p(3, 1), p(4, 1)], NOW, cfg)).toMatchObject({ r: 3, f: 3, m: 3 })
  })
})

describe('lifecycle stage', () => {
  const stage = (joinedDaysAgo: number, purchases: PurchaseFact[]) => lifecycleStage(ago(joinedDaysAgo), purchases, NOW)

  it('新客: joined < 30 days with ≤ 1 purchase; two purchases make a new member growing', () => {
    expect(stage(0, [])).toBe('new')
    expect(stage(29, [p(1)])).toBe('new')
    expect(stage(29, [p(1), p(2)])).toBe('growing')
  })

  it('流失 after 180 days without a purchase (from joining when never bought); 衰退 after 90', () => {
    expect(stage(400, [p(180)])).toBe('lapsed')
    expect(stage(400, [p(179)])).toBe('declining')
    expect(stage(400, [p(90)])).toBe('declining')
    expect(stage(400, [p(89)])).toBe('growing')
    expect(stage(30, [])).toBe('declining') // past the new-member window, never bought: needs activation
    expect(stage(180, [])).toBe('lapsed')
  })

  it('衰退 when purchases in the last half year fell to half or less of the half year before', () => {
    const before = [p(200), p(220), p(240), p(260)] // 4 in days 182.5–365
    expect(stage(400, [p(10), p(20), ...before])).toBe('declining') // 2 ≤ 0.5 × 4
    expect(stage(400, [p(10), p(20), p(30), ...before])).toBe('mature') // 3 > 2; 7 purchases, first 260 days ago
    expect(stage(400, [p(10), p(200)])).toBe('growing') // only 1 before: no trend
  })

  it('成熟: ≥ 6 purchases in 12 months and a first purchase ≥ 90 days ago', () => {
    const six = [p(1), p(15), p(30), p(45), p(60), p(89)]
    expect(stage(400, six)).toBe('growing') // first purchase only 89 days ago
    expect(stage(400, [p(1), p(15), p(30), p(45), p(60), p(90)])).toBe('mature')
    expect(stage(400, [p(1), p(15), p(30), p(45), p(90)])).toBe('growing') // 5 purchases
  })
})

describe('churn risk', () => {
  it('uses k × the member’s own median interval once there are 3 purchases', () => {
    // intervals 10, 20, 30 days → median 20 → threshold 40; last purchase 41 days ago
    const buys = [p(101), p(91), p(71), p(41)]
    expect(churnRisk(buys, NOW)).toEqual({
      atRisk: true,
      basis: 'personal',
      thresholdDays: 40,
      medianIntervalDays: 20,
      daysSinceLastPurchase: 41,
    })
    expect(churnRisk([p(100), p(90), p(70), p(40)], NOW).atRisk).toBe(false) // exactly 40: not more than
    // even count of intervals: median of 10 and 30 = 20
    expect(churnRisk([p(80), p(70), p(40)], NOW)).toMatchObject({
      medianIntervalDays: 20,
      thresholdDays: 40,
      atRisk: false,
    })
  })

  it('never puts the personal threshold below 14 days', () => {
    expect(churnRisk([p(16), p(15.5), p(15)], NOW)).toMatchObject({
      basis: 'personal',
      medianIntervalDays: 0.5,
      thresholdDays: 14,
      atRisk: true,
    })
    expect(churnRisk([p(13), p(12.5), p(12)], NOW).atRisk).toBe(false)
  })

  it('falls back to 90 days with fewer than 3 purchases, and flags nobody who never bought', () => {
    expect(churnRisk([p(91), p(95)], NOW)).toMatchObject({
      atRisk: true,
      basis: 'global',
      thresholdDays: 90,
      medianIntervalDays: null,
    })
    expect(churnRisk([p(89)], NOW)).toMatchObject({ atRisk: false, basis: 'global' })
    expect(churnRisk([], NOW)).toMatchObject({ atRisk: false, basis: 'none', daysSinceLastPurchase: null })
  })

  it('takes k and the fallback from the configuration', () => {
    const cfg: InsightConfig = {
      ...DEFAULT_INSIGHT_CONFIG,
      churn: { k: 3, minPurchases: 2, fallbackDays: 30, minThresholdDays: 1 },
    }
    expect(churnRisk([p(50), p(40)], NOW, cfg)).toMatchObject({ basis: 'personal', thresholdDays: 30, atRisk: true })
    expect(churnRisk([p(31)], NOW, cfg)).toMatchObject({ basis: 'global', atRisk: true })
  })
})

describe('member insight and definitions', () => {
  it('combines the three views, counting purchases up to now', () => {
    const ins = memberInsight(ago(400), [p(41), p(101), p(91), p(71), p(-2)], NOW)
    expect(ins).toMatchObject({
      lifecycle: 'growing',
      purchasesTotal: 4,
      rfm: { code: '332' },
      churn: { atRisk: true },
    })
    expect(ins.lastPurchaseAt).toBe(ago(41).toISOString())
    expect(ins.firstPurchaseAt).toBe(ago(101).toISOString())
  })

  it('prints the definitions from the configuration, in Chinese', () => {
    const d = insightDefinitions()
    expect(d.lifecycle.new).toContain('30 天')
    expect(d.lifecycle.lapsed).toContain('180 天')
    expect(d.churn).toContain('2 倍')
    expect(d.rfm).toContain('10,000')
  })
})

describe('segment definitions', () => {
  const profile = (over: Partial<SegmentProfile> = {}): SegmentProfile => ({
    memberId: '10000001',
    tierLevel: 2,
    tags: ['VIP', '亲子'],
    joinedDays: 40,
    birthdayMonth: 6,
    currentMonth: 6,
    insight: memberInsight(ago(40), [p(20, 500), p(35, 500)], NOW),
    ...over,
  })

  it('validates with the zod contract', () => {
    expect(segmentDefinition.safeParse({}).success).toBe(true)
    expect(
      segmentDefinition.safeParse({ lifecycles: ['new', 'lapsed'], rfm: { r: { min: 4 } }, tagsAny: ['高端 客户'] })
        .success,
    ).toBe(true)
    for (const bad of [
      { lifecycles: ['sleeping'] },
      { rfm: { r: { min: 5, max: 4 } } },
      { rfm: { x: { min: 1 } } },
      { rfm: { r: { min: 0 } } },
      { tierLevels: [] },
      { tagsAny: ['$ne'] },
      { joinedWithinDays: 0 },
      { joinedWithinDays: 1.5 },
      { lastPurchaseWithinDays: 30, notPurchasedForDays: 30 },
      { birthdayThisMonth: false },
      { extra: true },
    ]) {
      expect({ bad, ok: segmentDefinition.safeParse(bad).success }).toEqual({ bad, ok: false })
    }
  })

  it('matches every condition given (a conjunction); an empty definition is everyone', () => {
    const m = profile()
    expect(m.insight).toMatchObject({ lifecycle: 'growing', rfm: { r: 4, f: 2, m: 3, recencyDays: 20 } })
    expect(matchesSegment(m, {})).toBe(true)
    expect(matchesSegment(m, { tierLevels: [2, 3] })).toBe(true)
    expect(matchesSegment(m, { tierLevels: [1] })).toBe(false)
    expect(matchesSegment(m, { lifecycles: ['growing'], churnRisk: false })).toBe(true)
    expect(matchesSegment(m, { lifecycles: ['growing'], churnRisk: true })).toBe(false)
    expect(matchesSegment(m, { rfm: { r: { min: 4 }, f: { max: 2 }, m: { min: 3, max: 3 } } })).toBe(true)
    expect(matchesSegment(m, { rfm: { r: { min: 5 } } })).toBe(false)
    expect(matchesSegment(m, { tagsAny: ['亲子', '学生'] })).toBe(true)
    expect(matchesSegment(m, { tagsAny: ['学生'] })).toBe(false)
    expect(matchesSegment(m, { joinedWithinDays: 41 })).toBe(true)
    expect(matchesSegment(m, { joinedWithinDays: 40 })).toBe(false)
    expect(matchesSegment(m, { lastPurchaseWithinDays: 21 })).toBe(true)
    expect(matchesSegment(m, { lastPurchaseWithinDays: 20 })).toBe(false)
    expect(matchesSegment(m, { notPurchasedForDays: 20 })).toBe(true)
    expect(matchesSegment(m, { notPurchasedForDays: 21 })).toBe(false)
    expect(matchesSegment(m, { notPurchasedForDays: 10, lastPurchaseWithinDays: 30 })).toBe(true)
    expect(matchesSegment(m, { birthdayThisMonth: true })).toBe(true)
    expect(matchesSegment(profile({ currentMonth: 7 }), { birthdayThisMonth: true })).toBe(false)
    expect(matchesSegment(profile({ birthdayMonth: null }), { birthdayThisMonth: true })).toBe(false)
  })

  it('counts a never-bought member\'s days without a purchase from joining, and never as "purchased within"', () => {
    const never = profile({ joinedDays: 5, insight: memberInsight(ago(5), [], NOW) })
    // 沉睡会员 (90 days without a purchase) must not take in someone who joined this week
    expect(matchesSegment(never, { notPurchasedForDays: 90 })).toBe(false)
    expect(matchesSegment(never, { notPurchasedForDays: 5 })).toBe(true)
    expect(
      matchesSegment(profile({ joinedDays: 0, insight: memberInsight(NOW, [], NOW) }), { notPurchasedForDays: 1 }),
    ).toBe(false)
    expect(matchesSegment(never, { lastPurchaseWithinDays: 3650 })).toBe(false)
  })

  it('reads birthday months and describes definitions in Chinese', () => {
    expect([
      birthdayMonthOf('1990-06-15'),
      birthdayMonthOf('12-01'),
      birthdayMonthOf('13-01'),
      birthdayMonthOf(null),
      birthdayMonthOf(19900615),
    ]).toEqual([6, 12, null, null, null])
    expect(describeSegment({})).toBe('全部会员')
    expect(
      describeSegment({
        lifecycles: ['declining', 'lapsed'],
        churnRisk: true,
        rfm: { m: { min: 4 } },
        birthdayThisMonth: true,
      }),
    ).toBe('生命周期 衰退/流失；有流失风险；M 4–5；本月生日')
  })
})
