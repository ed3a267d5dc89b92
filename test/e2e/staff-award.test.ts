import { bearer } from '../support/api-harness'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { withoutMemberDay } from '../support/points-helpers'

jest.setTimeout(90_000)

const h5 = h5UnderTest({ browsers: ['staff', 'member'] })
beforeAll(() => withoutMemberDay(h5.api())) // the points checked are without the 18th's double points

describe('staff award in Chromium', () => {
  it("staff logs in, enters the member's current code, awards points; the member's wallet shows them", async () => {
    const api = h5.api()
    await api.addStore('E2E')
    await api.loginStaff('e2e-staff', 'clerk', 'E2E') // creates the account (password: correct horse battery)

    // The member opens the app and shows the card.
    const member = h5.page('member')
    await h5.loginMember(member, 'e2e-shopper')
    await member.waitForSelector('.member-code-digits', { timeout: 20_000 })

    // Staff: login page of the staff subpackage, then the award flow with manual code entry.
    const staff = h5.page('staff')
    await h5.loginStaff(staff, 'e2e-staff', '.tile-award')
    await staff.click('.tile-award')
    await staff.waitForSelector('.member-code-input input')
    const code = (await member.textContent('.member-code-digits'))!.replace(/\s/g, '')
    await staff.fill('.member-code-input input', code)
    await staff.click('.member-code-submit')
    await staff.waitForSelector('.scanned-member', { timeout: 15_000 })
    expect(await staff.textContent('.scanned-member')).toContain('e***r') // names are masked for staff (maskName)
    await staff.fill('.receipt-input input', 'E2E-0001')
    await staff.fill('.amount-input input', '128.50')
    await staff.click('.award-confirm')
    await staff.waitForSelector('.award-points', { timeout: 15_000 })
    expect(await staff.textContent('.award-points')).toContain('128')
    await screenshot(staff, 'staff-award-result')

    // The member's wallet shows the new balance and the entry.
    const login = await api.loginMember('e2e-shopper')
    const wallet = await api.http.get('/api/me/wallet').set(bearer(login.accessToken))
    expect(wallet.body.balance).toBe(api.config.welcomeGift.points + 128)
    await member.click('.card-to-wallet')
    await member.waitForSelector('.wallet-entry', { timeout: 15_000 })
    expect(await member.textContent('.wallet-balance')).toContain(String(api.config.welcomeGift.points + 128))
    expect(await member.textContent('.wallet-entry')).toContain('E2E-0001')
    await screenshot(member, 'member-wallet-after-award')

    // The same receipt scanned again: the till says when and by whom it was first awarded, and pays nothing.
    await staff.click('.award-again')
    api.clock.advance(30_000) // the member's next code
    await member.goto(`${api.url}/#/pages/card/index`) // the 会员码 tab (the app opens on 首页)
    await member.waitForSelector('.member-code-digits', { timeout: 20_000 })
    await staff.waitForSelector('.member-code-input input')
    await staff.fill('.member-code-input input', (await member.textContent('.member-code-digits'))!.replace(/\s/g, ''))
    await staff.click('.member-code-submit')
    await staff.waitForSelector('.scanned-member', { timeout: 15_000 })
    await staff.fill('.receipt-input input', 'E2E-0001')
    await staff.fill('.amount-input input', '128.50')
    await staff.click('.award-confirm')
    await staff.waitForSelector('.award-repeat', { timeout: 15_000 })
    expect(await staff.textContent('.award-result__headline')).toBe('该小票已入账，未重复发放')
    expect(await staff.textContent('.award-repeat')).toContain('e2e-staff')
    await screenshot(staff, 'staff-award-repeat')
    const again = await api.http.get('/api/me/wallet').set(bearer(login.accessToken))
    expect(again.body.balance).toBe(api.config.welcomeGift.points + 128)
  })
})
