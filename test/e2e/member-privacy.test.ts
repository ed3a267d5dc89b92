import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { PRIVACY_GUIDE_VERSION } from '@mall/shared'
import { ARTIFACTS_DIR, h5UnderTest, screenshot } from '../support/h5-harness'
import { privacyModels } from '../../server/src/modules/privacy/privacy.model'

/**
 * H5 member privacy in Chromium: the privacy guide asked at first login (and not again once agreed),
 * 我的数据 shown and downloaded as a JSON file, and the phone unbound from 我的 after a confirmation.
 */
jest.setTimeout(120_000)
const h5 = h5UnderTest()

const memberIdOf = async (devUser: string) =>
  (
    await h5.api().ctx.services.members.findOrRegister({
      identity: `dev:${devUser}`,
      nickname: devUser,
      channel: 'dev',
      now: h5.api().clock.now(),
    })
  ).member._id

/**
 * A small button's text and whether it sits in the middle of the pill: Taro H5's mini-button line-height
 * (taro-button-core[size=mini]) outranks .btn-quiet's and would set it 3px high.
 */
const textCentring = (page: Page, selector: string) =>
  page.$eval(selector, (b) => ({
    text: b.textContent?.trim(),
    centred: getComputedStyle(b).lineHeight === getComputedStyle(b).height,
  }))

describe('H5 member privacy in Chromium', () => {
  it('asks for agreement to the privacy guide at first login, records it, and goes on to the card', async () => {
    const [api, page] = [h5.api(), h5.page()]
    await page.goto(api.url)
    await page.waitForSelector('.dev-user-input input', { timeout: 20_000 })
    await page.fill('.dev-user-input input', 'e2e-privacy')
    await page.click('.dev-login-button')

    await page.waitForSelector('.privacy-agree', { timeout: 20_000 })
    const guide = await page.textContent('.privacy-guide')
    for (const heading of ['我们收集哪些信息', '为什么收集', '保存多久', '谁能看到']) expect(guide).toContain(heading)
    expect(guide).toContain('180 天')
    await screenshot(page, 'privacy-consent-375')
    await page.click('.privacy-agree')
    await page.waitForSelector('.card-member-no', { timeout: 20_000 })

    const memberId = await memberIdOf('e2e-privacy')
    const rows = await privacyModels(api.conn).Consent.find({ memberId }).lean().exec()
    expect(rows.map((r) => r.version)).toEqual([PRIVACY_GUIDE_VERSION])
  })

  it('does not ask again at the next login once agreed', async () => {
    const [api, page] = [h5.api(), h5.page()]
    await page.evaluate(() => localStorage.clear())
    await page.goto(`${api.url}/#/pages/login/index`)
    await page.waitForSelector('.dev-user-input input', { timeout: 20_000 })
    await page.fill('.dev-user-input input', 'e2e-privacy')
    await page.click('.dev-login-button')
    await page.waitForSelector('.card-member-no', { timeout: 20_000 })
    expect(await page.$('.privacy-agree')).toBeNull()
  })

  it('shows 我的数据 and downloads it as a JSON file of the member only', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const memberId = await memberIdOf('e2e-privacy')
    await api.ctx.services.members.bindPhone(memberId, '13812340000', api.clock.now())
    await page.goto(`${api.url}/#/pages/me/index`)
    await page.click('.me-to-my-data')
    await page.waitForSelector('.my-data-ledger', { timeout: 20_000 })
    expect(await page.textContent('.my-data-profile')).toContain('13812340000')
    expect(await page.textContent('.my-data-ledger')).toMatch(/积分明细\s*1 条/) // the welcome gift
    await screenshot(page, 'my-data-375')

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.my-data-save')])
    expect(download.suggestedFilename()).toMatch(new RegExp(`^my-data-${memberId}-\\d{4}-\\d{2}-\\d{2}\\.json$`))
    const file = await download.path()
    const data = JSON.parse(readFileSync(file!, 'utf8'))
    expect(data.profile).toMatchObject({ memberNo: memberId, phone: '13812340000' })
    expect(data.ledger).toHaveLength(1)
    for (const section of ['coupons', 'checkins', 'invites', 'feedback', 'receipts'])
      expect(data).toHaveProperty(section)
    expect(JSON.stringify(data)).not.toMatch(/"_id"|openid|session_key/)
  })

  it('unbinds the phone from 我的 after a confirmation; the points stay', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const memberId = await memberIdOf('e2e-privacy')
    const before = await api.ctx.services.members.card(memberId)
    // the card unreachable first: 我的 offers 重试, which loads it once it is back
    await page.route('**/api/me/card', (route) => route.abort())
    await page.goto(`${api.url}/#/pages/me/index`)
    await page.reload() // a fresh 我的, without the card an earlier visit left on it
    await page.waitForSelector('.me-error .btn-quiet', { timeout: 20_000 })
    expect(await textCentring(page, '.me-error .btn-quiet')).toEqual({ text: '重试', centred: true })
    await screenshot(page, 'me-retry-375')
    await page.unroute('**/api/me/card')
    await page.click('.me-error .btn-quiet')
    await page.waitForSelector('.me-page .phone-row__unbind', { timeout: 20_000 })
    expect(await page.textContent('.me-page .phone-row__value')).toBe('138****0000')
    expect(await textCentring(page, '.me-page .phone-row__unbind')).toEqual({ text: '解绑', centred: true })
    await page.locator('.me-page .phone-card').scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'me-phone-unbind-375.png') })
    await page.click('.me-page .phone-row__unbind')
    await page.waitForSelector('.taro-modal__foot')
    expect(await page.textContent('.taro-modal__content')).toContain('积分、优惠券和会员等级不受影响')
    await page.click('.taro-modal__foot >> text=解绑')
    await page.waitForSelector('.me-page .phone-row__unbound', { timeout: 20_000 })

    const after = await api.ctx.services.members.card(memberId)
    expect(after.phoneMasked).toBeNull()
    expect(after.pointsBalance).toBe(before.pointsBalance)
    expect(await privacyModels(api.conn).PhoneUnbind.countDocuments({ memberId })).toBe(1)
  })

  it('asks again in 我的 when the guide has a newer version than the one agreed to', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const memberId = await memberIdOf('e2e-privacy')
    const { Consent } = privacyModels(api.conn)
    // As if the member had agreed to an older guide only: the current version is then newer.
    await Consent.deleteMany({ memberId })
    await Consent.create({ _id: `${memberId}:2020-01-01`, memberId, version: '2020-01-01', at: api.clock.now() })
    await page.goto(`${api.url}/#/pages/me/index`)
    await page.reload() // a fresh start on 我的 (the page was already showing)
    await page.click('.me-page .privacy-consent-notice', { timeout: 20_000 })
    await page.click('.privacy-agree', { timeout: 20_000 })
    await page.waitForSelector('.card-member-no', { timeout: 20_000 })
    expect(await Consent.countDocuments({ memberId, version: PRIVACY_GUIDE_VERSION })).toBe(1)
    await page.goto(`${api.url}/#/pages/me/index`)
    await page.waitForSelector('.me-page .me-to-my-data', { timeout: 20_000 })
    expect(await page.$('.me-page .privacy-consent-notice')).toBeNull()
  })
})
