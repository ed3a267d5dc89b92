import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { ledgerModels } from '../../server/src/modules/ledger/ledger.model'

/** Facts a member sets once (a birthday) or once a day (a check-in), raced by 20 requests at once. */
let api: TestApi

beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

describe('set-once and once-a-day facts', () => {
  it('keeps the first of 20 birthdays set at once; the others are refused (or rate limited)', async () => {
    const m = await api.loginMember('birthday-race')
    const days = Array.from({ length: 20 }, (_, i) => `1990-0${1 + (i % 9)}-${String(10 + i).padStart(2, '0')}`)
    const results = await Promise.all(
      days.map((birthday) => api.http.post('/api/me/birthday').set(bearer(m.accessToken)).send({ birthday })),
    )
    const won = results.filter((r) => r.status === 200)
    expect(won).toHaveLength(1)
    for (const r of results)
      if (r.status !== 200) expect(r.body.error.code).toMatch(/^(MEMBER\.BIRTHDAY_ALREADY_SET|REQUEST\.RATE_LIMITED)$/)
    expect(results.filter((r) => r.body.error?.code === 'MEMBER.BIRTHDAY_ALREADY_SET').length).toBeGreaterThan(5)
    const card = await api.http.get('/api/me/card').set(bearer(m.accessToken))
    expect(card.body.birthday).toBe(won[0]!.body.birthday)
  })

  it('marks a second check-in the same day as a repeat of the first, with when it was', async () => {
    const m = await api.loginMember('checkin-repeat')
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.http.post('/api/me/checkin').set(bearer(m.accessToken)).send({})),
    )
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
    const firsts = results.filter((r) => !r.body.repeat)
    expect(firsts).toHaveLength(1)
    for (const r of results.filter((x) => x.body.repeat)) {
      expect(r.headers['idempotent-replayed']).toBe('true')
      expect(r.body.repeat.at).toEqual(expect.any(String))
    }
    const ledger = await ledgerModels(api.conn).Entry.countDocuments({ memberId: m.member.memberId, type: 'checkin' })
    expect(ledger).toBe(1)
  })
})
