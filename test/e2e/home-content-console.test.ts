import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'

/**
 * 首页内容 in the operator console (desktop): an operator adds a banner, an announcement and an event,
 * is told in Chinese what is missing, saves, and the member app's /api/home has them; the history lists
 * the version.
 */
jest.setTimeout(120_000)

const env = consoleUnderTest()

it('edits the member home page as one versioned document, with Chinese validation and history', async () => {
  const api = env.api()
  const { page } = env.browser()
  await api.loginStaff('e2e-home-editor', 'operator', null)
  const errors = await openConsoleAs(api, env.browser(), 'e2e-home-editor', '#/home-content')
  await page.waitForSelector('[data-testid=home-content]')
  expect(await page.textContent('[data-testid=home-content]')).toContain('当前第 0 版')

  await page.click('[data-testid=banners-add]')
  // an empty title is named in Chinese and blocks the save
  await page.waitForSelector('[data-testid=home-problems]')
  expect(await page.textContent('[data-testid=home-problems]')).toContain('轮播图第 1 条')
  expect(await page.isDisabled('[data-testid=home-save]')).toBe(true)
  const banner = page.locator('[data-testid=banner-0]')
  await banner.getByRole('textbox', { name: '标题', exact: true }).fill('周末会员日 积分双倍')
  await banner.getByRole('textbox', { name: '副标题' }).fill('全场消费积分翻倍')
  await banner.locator('select').selectOption('/pages/coupons/index')

  await page.click('[data-testid=announcements-add]')
  await page
    .locator('[data-testid=announcement-0]')
    .getByRole('textbox', { name: '标题', exact: true })
    .fill('B2 停车场分区改造')
  await page.click('[data-testid=events-add]')
  const event = page.locator('[data-testid=event-0]')
  await event.getByRole('textbox', { name: '活动名称' }).fill('圣诞市集')
  await event.getByRole('textbox', { name: '地点' }).fill('1F 中庭')
  await event.locator('input[type=date] >> nth=1').fill('2099-12-25')
  await page.fill('[data-testid=home-note]', '圣诞季上线')
  expect(await page.locator('[data-testid=home-problems]').count()).toBe(0)
  await screenshot(page, 'console-home-content-form')

  await page.click('[data-testid=home-save]')
  await page.waitForSelector('[data-testid=home-message]')
  expect(await page.textContent('[data-testid=home-message]')).toContain('已保存第 1 版')
  await page.waitForSelector('[data-testid=config-history] >> text=圣诞季上线')
  await screenshot(page, 'console-home-content-saved')

  const member = await api.loginMember('e2e-home-reader')
  const home = await api.http.get('/api/home').set(bearer(member.accessToken))
  expect(home.body.banners).toEqual([
    expect.objectContaining({ title: '周末会员日 积分双倍', link: '/pages/coupons/index' }),
  ])
  expect(home.body.announcements[0].title).toBe('B2 停车场分区改造')
  expect(home.body.events[0]).toMatchObject({ title: '圣诞市集', place: '1F 中庭', endsOn: '2099-12-25' })
  expect(errors).toEqual([])
})
