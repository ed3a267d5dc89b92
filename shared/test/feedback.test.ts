import {
  FEEDBACK_CATEGORIES,
  FEEDBACK_PHOTO_MAX_BYTES,
  feedbackFigures,
  feedbackPhotoProblem,
  feedbackSubmitRequest,
  feedbackTransition,
  median,
  percent,
  type FeedbackChange,
  type FeedbackStatus,
  type FeedbackTiming,
} from '../src'

const at = (hhmm: string) => new Date(`2026-09-10T${hhmm}:00+08:00`)
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

describe('feedback workflow', () => {
  const table: [FeedbackStatus, FeedbackChange, FeedbackStatus | null][] = [
    ['open', 'assign', 'assigned'],
    ['assigned', 'assign', 'assigned'], // handed on
    ['replied', 'assign', null],
    ['open', 'reply', null], // someone must handle it first
    ['assigned', 'reply', 'replied'],
    ['replied', 'reply', 'replied'],
    ['replied', 'follow_up', 'assigned'], // the member is not satisfied: back to the handler
    ['open', 'follow_up', null],
    ['assigned', 'follow_up', null],
    ['open', 'close', 'closed'],
    ['assigned', 'close', 'closed'],
    ['replied', 'close', 'closed'],
  ]
  it.each(table)('%s --%s--> %s', (from, action, to) => {
    expect(feedbackTransition(from, action)).toBe(to)
  })

  it('lets nothing leave closed', () => {
    for (const action of ['assign', 'reply', 'follow_up', 'close'] as const)
      expect(feedbackTransition('closed', action)).toBeNull()
  })
})

describe('feedback figures', () => {
  const t = (
    category: FeedbackTiming['category'],
    created: string,
    responded: string | null,
    closed: string | null,
  ): FeedbackTiming => ({
    category,
    createdAt: at(created),
    firstResponseAt: responded ? at(responded) : null,
    closedAt: closed ? at(closed) : null,
  })

  it('takes medians over answered / closed tickets, the rate over all, and the share per category', () => {
    const tickets = [
      t('parking', '10:00', '10:10', '11:00'), // 10 min to respond, 60 to close
      t('parking', '10:00', '10:30', null), // 30
      t('service', '10:00', '10:05', '10:05'), // closed straight away: 5 and 5
      t('goods', '10:00', null, null), // still waiting
    ]
    const f = feedbackFigures(tickets, at('12:00'))
    expect(f).toMatchObject({
      tickets: 4,
      responded: 3,
      resolved: 2,
      medianFirstResponseMinutes: 10,
      medianResolutionMinutes: 32.5,
      resolutionRate: 50,
      awaitingResponse: 1,
      oldestAwaitingMinutes: 120,
    })
    expect(f.byCategory.map((c) => c.category)).toEqual([...FEEDBACK_CATEGORIES])
    expect(f.byCategory.find((c) => c.category === 'parking')).toEqual({
      category: 'parking',
      count: 2,
      share: 50,
      resolved: 1,
    })
    expect(f.byCategory.find((c) => c.category === 'other')).toEqual({
      category: 'other',
      count: 0,
      share: 0,
      resolved: 0,
    })
  })

  it('ignores what happens after `now`', () => {
    const f = feedbackFigures([t('service', '10:00', '10:20', '11:00')], at('10:30'))
    expect(f).toMatchObject({
      responded: 1,
      resolved: 0,
      medianFirstResponseMinutes: 20,
      medianResolutionMinutes: null,
      resolutionRate: 0,
      awaitingResponse: 0,
    })
    expect(feedbackFigures([t('service', '10:00', '10:20', '11:00')], at('10:10'))).toMatchObject({
      responded: 0,
      awaitingResponse: 1,
      oldestAwaitingMinutes: 10,
    })
  })

  it('has no medians without tickets', () => {
    expect(feedbackFigures([], at('10:00'))).toMatchObject({
      tickets: 0,
      medianFirstResponseMinutes: null,
      medianResolutionMinutes: null,
      resolutionRate: 0,
      oldestAwaitingMinutes: null,
    })
  })

  it('rounds medians to a tenth of a minute', () => {
    expect(median([1, 2])).toBe(1.5)
    expect(median([3, 1, 2])).toBe(2)
    expect(percent(1, 3)).toBe(33.33)
    const f = feedbackFigures(
      [t('other', '10:00', '10:00', null)].map((x) => ({
        ...x,
        firstResponseAt: new Date(x.createdAt.getTime() + 20_000),
      })),
      at('11:00'),
    )
    expect(f.medianFirstResponseMinutes).toBe(0.3)
  })
})

describe('feedback photo', () => {
  it('accepts a small PNG or JPEG data URL', () => {
    expect(feedbackPhotoProblem(`data:image/png;base64,${PNG_1X1}`)).toBeNull()
    expect(feedbackPhotoProblem(`data:image/jpeg;base64,/9j/${'A'.repeat(96)}`)).toBeNull()
  })

  it('refuses other types, bytes that do not match the type, bad base64 and anything over 300 KB', () => {
    expect(feedbackPhotoProblem(`data:image/gif;base64,${PNG_1X1}`)).toMatch(/data URL/)
    expect(feedbackPhotoProblem(`data:image/jpeg;base64,${PNG_1X1}`)).toMatch(/not a jpeg/)
    expect(feedbackPhotoProblem(`data:image/png;base64,${PNG_1X1.slice(0, -1)}`)).toMatch(/not a png/)
    expect(feedbackPhotoProblem(`data:image/png;base64,${PNG_1X1} `)).toMatch(/data URL/)
    const exactly = `/9j/${'A'.repeat((FEEDBACK_PHOTO_MAX_BYTES / 3) * 4 - 4)}` // 300 KB decoded
    expect(feedbackPhotoProblem(`data:image/jpeg;base64,${exactly}`)).toBeNull()
    expect(feedbackPhotoProblem(`data:image/jpeg;base64,${exactly}AAAA`)).toMatch(/300 KB/)
  })

  it('is optional in a submission whose text is 1..1000 characters after trimming', () => {
    expect(feedbackSubmitRequest.safeParse({ category: 'parking', text: '  停车场入口排队太久  ' })).toMatchObject({
      success: true,
      data: { text: '停车场入口排队太久' },
    })
    expect(feedbackSubmitRequest.safeParse({ category: 'parking', text: '   ' }).success).toBe(false)
    expect(feedbackSubmitRequest.safeParse({ category: 'parking', text: 'x'.repeat(1001) }).success).toBe(false)
    expect(feedbackSubmitRequest.safeParse({ category: '停车', text: 'x' }).success).toBe(false)
    expect(
      feedbackSubmitRequest.safeParse({ category: 'other', text: 'x', photo: 'https://example.com/a.png' }).success,
    ).toBe(false)
  })
})
