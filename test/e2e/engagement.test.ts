import type { Page } from 'playwright-core'
import { DEFAULT_CHECKIN_RULES, DEFAULT_REFERRAL_RULES } from '@mall/shared'
import { bearer } from '../support/api-harness'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { award, balanceOf, scan } from '../support/points-helpers'
import { referralModels } from '../../server/src/modules/referrals/referral.model'

jest.setTimeout(90_000)
const h5 = h5UnderTest({ browsers: [] })

/** A fresh Chromium profile per member, so sessions (localStorage) never mix. */
async function newMemberPage(): Promise<Page> {
  const browser = await h5.newBrowser()
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  return browser.page
}

const text = async (page: Page, selector: string) =>
  ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim()

afterEach(() => {
  expect(h5.takePageErrors()).toEqual([])
})

describe('H5 invite a friend in Chromium', () => {
  it(
    'attributes a friend who opens the invite link, and shows ' +
      "the inviter reward after the friend's first purchase",
    async () => {
      const api = h5.api()
      api.clock.runFrom(new Date())
      const inviterPage = await newMemberPage()
      await h5.loginMember(inviterPage, 'e2e-inviter')
      await inviterPage.click('.card-to-invite')
      const code = (await text(inviterPage, '.invite-code')).replace(/\s/g, '')
      expect(code).toMatch(/^[A-Z0-9]{4,16}$/)
      const link = await text(inviterPage, '.invite-link')
      expect(link).toBe(`${api.url}/?inviter=${code}`)
      expect(await inviterPage.getAttribute('.invite-qr', 'data-text')).toBe(link)
      await inviterPage.click('.invite-copy')
      await inviterPage.waitForFunction(async (expected) => (await navigator.clipboard.readText()) === expected, link, {
        timeout: 5_000,
      })
      await inviterPage.waitForSelector('.invite-empty')
      await screenshot(inviterPage, 'invite-empty')

      // The friend opens the link in their own browser and registers through the dev login.
      const friendPage = await newMemberPage()
      await h5.loginMember(friendPage, 'e2e-friend', link)
      expect(await text(friendPage, '.card-points')).toContain(
        String(api.config.welcomeGift.points + DEFAULT_REFERRAL_RULES.inviteePoints),
      )
      const friend = await api.loginMember('e2e-friend')
      expect(friend.isNewMember).toBe(false) // the browser login above created the member
      const inviter = await api.loginMember('e2e-inviter')
      const referral = await referralModels(api.conn).Referral.findById(friend.member.memberId).lean()
      expect(referral).toMatchObject({ inviterId: inviter.member.memberId, status: 'registered' })

      // The hash-route form of the link attributes too.
      const hashPage = await newMemberPage()
      await h5.loginMember(hashPage, 'e2e-friend-hash', `${api.url}/#/pages/card/index?inviter=${code}`)
      const hashFriend = await api.loginMember('e2e-friend-hash')
      expect(await referralModels(api.conn).Referral.findById(hashFriend.member.memberId).lean()).toMatchObject({
        inviterId: inviter.member.memberId,
      })

      // A clerk records the friend's first purchase.
      await api.addStore('EG1')
      const clerk = await api.loginStaff('e2e-invite-clerk', 'clerk', 'EG1')
      const awarded = await award(api, clerk.accessToken, {
        scanToken: await scan(api, friend, clerk.accessToken),
        receiptNo: 'E2E-INV-1',
        amountFen: 66_00,
      })
      expect(awarded.status).toBe(200)

      await inviterPage.reload()
      await inviterPage.waitForSelector('.invite-friend[data-status="rewarded"]', { timeout: 20_000 })
      expect(await text(inviterPage, '.invite-friend[data-status="rewarded"]')).toContain('已奖励')
      expect(await text(inviterPage, '.invite-friend[data-status="registered"]')).toContain('已注册')
      expect(await text(inviterPage, '.invite-totals__points')).toBe(String(DEFAULT_REFERRAL_RULES.inviterPoints))
      expect((await text(inviterPage, '.invite-totals')).replace(/\s/g, '')).toContain('2人已邀请1人已首购')
      expect(await balanceOf(api, inviter)).toBe(api.config.welcomeGift.points + DEFAULT_REFERRAL_RULES.inviterPoints)
      await screenshot(inviterPage, 'invite-rewarded')
    },
  )
})

describe('H5 daily check-in in Chromium', () => {
  it('checks in once: reward bubble, streak 1, and a second tap pays nothing', async () => {
    const api = h5.api()
    api.clock.runFromStartOfHour() // a check-in is per Shanghai day
    const page = await newMemberPage()
    await h5.loginMember(page, 'e2e-checker')
    const member = await api.loginMember('e2e-checker')
    const before = await balanceOf(api, member)

    await page.click('.card-to-checkin')
    await page.waitForSelector('.checkin-button[data-checked="false"]', { timeout: 20_000 })
    expect(await page.$$('.checkin-day[data-checked="true"]')).toHaveLength(0)
    await screenshot(page, 'checkin-before')

    await page.click('.checkin-button')
    await page.waitForSelector('.checkin-reward')
    expect(await text(page, '.checkin-reward')).toContain(`+${DEFAULT_CHECKIN_RULES.basePoints} 积分`)
    await page.waitForSelector('.checkin-button[data-checked="true"]')
    expect(await text(page, '.checkin-button')).toBe('今日已签到')
    expect(await page.getAttribute('.checkin-streak', 'data-streak')).toBe('1')
    expect(await text(page, '.checkin-streak')).toContain('已连续签到 1 天')
    const status = (await api.http.get('/api/me/checkin').set(bearer(member.accessToken))).body
    expect(
      await page.$$eval('.checkin-day[data-checked="true"]', (els) => els.map((e) => e.getAttribute('data-day'))),
    ).toEqual([status.today])
    expect(await page.getAttribute('.checkin-day--today', 'data-day')).toBe(status.today)
    await screenshot(page, 'checkin-done')

    const wallet = async () =>
      (await api.http.get('/api/me/wallet').set(bearer(member.accessToken))).body.balance as number
    expect(await wallet()).toBe(before + DEFAULT_CHECKIN_RULES.basePoints)
    await page.click('.checkin-button')
    await page.waitForTimeout(1_000)
    expect(await wallet()).toBe(before + DEFAULT_CHECKIN_RULES.basePoints)
    expect(await page.getAttribute('.checkin-streak', 'data-streak')).toBe('1')
    expect(await text(page, '.makeup-count')).toBe('0')
    expect(await text(page, '.makeup-buy')).toContain(
      `购买补签卡（${DEFAULT_CHECKIN_RULES.makeupCardPricePoints}积分）`,
    )
  })
})
