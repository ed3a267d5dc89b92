import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { staffModel } from '../../server/src/modules/staff/staff.model'

/**
 * Who changed what, by name (issue 19: 'clerk1' becomes the clerk's name; the console said `operator`):
 * the segment list's 最后修改 and its history, the rules history and a stopped double-points day name the
 * operator as the 员工账号 page has them, with the login name on hover.
 */
jest.setTimeout(90_000)
const ctx = consoleUnderTest()

it('names the operator behind segment, rules and campaign changes instead of the login name', async () => {
  const api = ctx.api()
  const op = bearer((await api.loginStaff('names-op', 'operator', null)).accessToken)
  await staffModel(api.conn).updateOne({ _id: 'names-op' }, { $set: { displayName: '孙运营（商场）' } })
  await api.ctx.services.segments.create(
    { name: '沉睡会员', description: '', definition: { notPurchasedForDays: 90 }, note: '' },
    'names-op',
    api.clock.now(),
  )
  const rules = (await api.http.get('/api/ops/rules').set(op)).body
  const changed = await api.http
    .put('/api/ops/rules')
    .set(op)
    .send({ section: 'earning', value: { ...rules.earning, dailyEarnCap: 5_000 }, note: '每日上限' })
  expect(changed.status).toBe(200)
  const killed = await api.http.post('/api/ops/points-campaigns/member-day/kill').set(op).send({ note: '收银故障' })
  expect(killed.status).toBe(200)

  const { page } = ctx.browser()
  const errors = await openConsoleAs(api, ctx.browser(), 'names-op', '#/segments')
  await page.waitForSelector('[data-testid=staff-name]')
  const segments = (await page.textContent('main'))!
  expect(segments).toContain('孙运营（商场）')
  expect(segments).not.toContain('names-op')
  expect(await page.getAttribute('[data-testid=staff-name] >> nth=0', 'title')).toBe('names-op')
  await screenshot(page, 'console-staff-names-segments')

  await page.goto(`${api.url}/admin#/rules`)
  await page.waitForSelector('[data-testid=staff-name]')
  expect(await page.textContent('main')).not.toContain('names-op')

  await page.goto(`${api.url}/admin#/campaigns`)
  await page.waitForSelector('[data-testid=points-campaign-row-member-day] [data-testid=staff-name]')
  expect(await page.textContent('[data-testid=points-campaign-row-member-day]')).toContain('孙运营（商场）')
  expect(await page.textContent('main')).not.toContain('names-op')
  expect(errors).toEqual([])
})
