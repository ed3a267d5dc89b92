import { agreeToPrivacyGuideIfAsked, h5UnderTest, screenshot } from '../support/h5-harness'

jest.setTimeout(90_000)
const h5 = h5UnderTest()

describe('H5 member card in Chromium', () => {
  it('logs in with the dev login, shows the card with a QR member code, and rotates it', async () => {
    const [api, page] = [h5.api(), h5.page()]
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))

    // Start the server's clock 4 s before a 30-second boundary so the rotation comes quickly.
    const boundary = Math.ceil(Date.now() / 30_000) * 30_000 + 30_000
    api.clock.runFrom(new Date(boundary - 4_000))

    await page.goto(api.url)
    await page.waitForSelector('.dev-user-input input', { timeout: 20_000 })
    await page.fill('.dev-user-input input', 'e2e-alice')
    await page.click('.dev-login-button')
    await agreeToPrivacyGuideIfAsked(page)

    const memberNo = await page.waitForSelector('.card-member-no', { timeout: 20_000 })
    const login = await api.ctx.services.members.findOrRegister({
      identity: 'dev:e2e-alice',
      nickname: 'e2e-alice',
      channel: 'dev',
      now: new Date(),
    })
    expect((await memberNo.textContent())!.replace(/\s/g, '')).toBe(login.member._id)
    expect(await page.textContent('.card-tier')).toContain('普通会员')
    expect(await page.textContent('.card-points')).toContain(String(api.config.welcomeGift.points))

    const qr = await page.waitForSelector('.member-qr img')
    await page.waitForFunction(() => {
      const img = document.querySelector('.member-qr img') as HTMLImageElement | null
      return !!img && img.complete && img.naturalWidth > 0
    })
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/)
    const firstCode = (await page.textContent('.member-code-digits'))!.replace(/\s/g, '')
    expect(firstCode).toMatch(/^1\d{18}$/)
    expect(firstCode.slice(1, 9)).toBe(login.member._id)
    await screenshot(page, 'member-card')

    // The client refreshes at the server's refreshAt without any click.
    await page.waitForFunction(
      (first) => (document.querySelector('.member-code-digits')?.textContent ?? '').replace(/\s/g, '') !== first,
      firstCode,
      { timeout: 15_000 },
    )
    const secondCode = (await page.textContent('.member-code-digits'))!.replace(/\s/g, '')
    expect(secondCode).toMatch(/^1\d{18}$/)
    expect(secondCode).not.toBe(firstCode)
    await screenshot(page, 'member-card-rotated')

    // The displayed code is live: staff can resolve it.
    await api.addStore('E1')
    const staff = await api.loginStaff('e2e-clerk', 'clerk', 'E1')
    const resolved = await api.http
      .post('/api/staff/member-code/resolve')
      .set('Authorization', `Bearer ${staff.accessToken}`)
      .send({ code: secondCode })
    expect(resolved.status).toBe(200)
    expect(resolved.body.member.memberId).toBe(login.member._id)
    expect(errors).toEqual([])
  })
})
