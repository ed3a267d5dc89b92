import {
  buildCalendar,
  canMakeup,
  milestoneText,
  monthLabel,
  monthNav,
  rewardDetail,
  rewardText,
  shortDayLabel,
  weekdayIndex,
} from '../src/lib/checkin-calendar'
import {
  INVITE_STATUS_LABELS,
  absoluteSharePath,
  inviteRules,
  inviteStatusTone,
  joinedText,
} from '../src/lib/invite-format'

const status = (over: Record<string, unknown> = {}) => ({
  month: '2026-03',
  today: '2026-03-11',
  checkedDays: ['2026-03-02', '2026-03-10', '2026-03-11'],
  makeupCards: 1,
  makeupUsedThisMonth: 0,
  makeupMonthlyCap: 2,
  ...over,
})

describe('check-in calendar', () => {
  it('pads the month to Monday-first weeks', () => {
    expect(weekdayIndex('2026-03-01')).toBe(6) // a Sunday
    expect(weekdayIndex('2026-03-02')).toBe(0)
    const cells = buildCalendar(status())
    expect(cells.length % 7).toBe(0)
    expect(cells.slice(0, 6).every((c) => c.day === null)).toBe(true)
    expect(cells[6]).toMatchObject({ day: '2026-03-01', date: 1 })
    expect(cells.filter((c) => c.day).map((c) => c.day)).toHaveLength(31)
  })

  it('marks checked, today and missed days; only missed days of this month before today can be made up', () => {
    const byDay = new Map(buildCalendar(status()).map((c) => [c.day, c]))
    expect(byDay.get('2026-03-11')).toMatchObject({ checked: true, today: true, missed: false, makeupable: false })
    expect(byDay.get('2026-03-02')).toMatchObject({ checked: true, missed: false })
    expect(byDay.get('2026-03-01')).toMatchObject({ checked: false, missed: true, makeupable: true })
    expect(byDay.get('2026-03-09')).toMatchObject({ missed: true, makeupable: true })
    expect(byDay.get('2026-03-12')).toMatchObject({ missed: false, makeupable: false })
  })

  it('offers no make-up without cards, at the monthly cap, or in another month', () => {
    const none = (s: ReturnType<typeof status>) => buildCalendar(s).filter((c) => c.makeupable)
    expect(none(status({ makeupCards: 0 }))).toEqual([])
    expect(none(status({ makeupUsedThisMonth: 2 }))).toEqual([])
    const feb = buildCalendar(status({ month: '2026-02', checkedDays: [] }))
    expect(feb.filter((c) => c.missed || c.makeupable)).toEqual([])
    expect(canMakeup({ makeupCards: 1, makeupUsedThisMonth: 1, makeupMonthlyCap: 2 })).toBe(true)
  })

  it('navigates at most a year back and never past the current month', () => {
    expect(monthNav('2026-03', '2026-03-11')).toEqual({ prev: '2026-02', next: null })
    expect(monthNav('2025-12', '2026-03-11')).toEqual({ prev: '2025-11', next: '2026-01' })
    expect(monthNav('2025-04', '2026-03-11')).toEqual({ prev: null, next: '2025-05' })
  })

  it('formats labels and reward copy', () => {
    expect(monthLabel('2026-03')).toBe('2026年3月')
    expect(shortDayLabel('2026-03-09')).toBe('3月9日')
    expect(milestoneText({ day: 3, bonusPoints: 10, inDays: 2 })).toBe('再签 2 天可得 10 积分')
    expect(milestoneText(null)).toBe('')
    expect(rewardText({ rewardPoints: 1500 })).toBe('+1,500 积分')
    expect(rewardDetail({ kind: 'daily', milestoneDay: 7, makeupCardsEarned: 1 })).toBe(
      '连签第 7 天奖励 · 获得补签卡 ×1',
    )
    expect(rewardDetail({ kind: 'makeup', milestoneDay: null, makeupCardsEarned: 0 })).toBe('补签成功')
    expect(rewardDetail({ kind: 'daily', milestoneDay: null, makeupCardsEarned: 0 })).toBe('')
  })
})

describe('invite format', () => {
  it('labels every status', () => {
    expect(INVITE_STATUS_LABELS).toEqual({
      registered: '已注册',
      qualified: '已首购',
      rewarded: '已奖励',
      capped: '已达上限',
      reversed: '已退回',
    })
    expect(inviteStatusTone('rewarded')).toBe('done')
    expect(inviteStatusTone('qualified')).toBe('pending')
    expect(inviteStatusTone('reversed')).toBe('void')
  })

  it('states the rules with the server numbers', () => {
    const rules = inviteRules({ inviteePoints: 50, inviterPoints: 2000, dailyCap: 5, monthlyCap: 20 })
    expect(rules[0]).toContain('好友立得 50 积分')
    expect(rules[1]).toContain('你可得 2,000 积分')
    expect(rules[2]).toContain('每天最多奖励 5 位好友，每月最多 20 位')
  })

  it('shows join dates on the Shanghai calendar and makes share paths absolute', () => {
    expect(joinedText('2026-03-10T16:30:00Z')).toBe('2026年3月11日')
    expect(joinedText('nope')).toBe('')
    expect(absoluteSharePath('pages/card/index?inviter=AB12')).toBe('/pages/card/index?inviter=AB12')
    expect(absoluteSharePath('/pages/card/index')).toBe('/pages/card/index')
  })
})
