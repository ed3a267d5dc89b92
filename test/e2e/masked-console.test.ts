import { readFileSync } from 'node:fs'
import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { memberModels } from '../../server/src/modules/members/member.model'

jest.setTimeout(120_000)
const ctx = consoleUnderTest()

/**
 * The console shows a member's personal data masked (docs/privacy-security.md); 查看 asks for a reason, shows the
 * clear value, and the audit page then says who looked at which field of whom and why.
 */
describe('operator console: masked member data and the audited reveal (Chromium, 1280px)', () => {
  it('masks name, phone and birthday, reveals the phone for a reason, lists the reveal in the audit log', async () => {
    const api = ctx.api()
    const member = await api.loginMember('e2e-privacy')
    const memberId = member.member.memberId
    await memberModels(api.conn)
      .Member.updateOne({ _id: memberId }, { $set: { nickname: '王小明' } })
      .exec()
    const asMember = bearer(member.accessToken)
    await api.http
      .post('/api/me/phone')
      .set(asMember)
      .send({ code: api.wechat.phoneCode('13912348888') })
    await api.http.post('/api/me/birthday').set(asMember).send({ birthday: '1992-03-08' })
    await api.loginStaff('mask-e2e-op', 'operator', null)

    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'mask-e2e-op', `#/members/${memberId}`)
    const profile = page.locator('[data-testid=member-profile]')
    await page.waitForSelector('[data-testid=reveal-phone-masked]')
    const shown = await profile.textContent()
    expect(shown).toContain('王*明')
    expect(shown).toContain('139****8888')
    expect(shown).toContain('199*-**-**')
    for (const clear of ['王小明', '13912348888', '1992-03-08']) expect(shown).not.toContain(clear)
    await screenshot(page, 'console-member-masked')

    // 查看 needs a reason: an empty one is refused on the page, nothing is sent
    await page.click('[data-testid=reveal-phone-open]')
    // the reason gets a line of its own in the profile's column (beside its buttons it was about 90 px wide)
    expect((await page.locator('[data-testid=reveal-phone-reason]').boundingBox())?.width).toBeGreaterThan(180)
    await page.click('[data-testid=reveal-phone-confirm]')
    await page.waitForSelector('[data-testid=reveal-phone] .form-error')
    expect(await page.textContent('[data-testid=reveal-phone] .form-error')).toBe('请填写查看原因（至少 4 个字）')
    await page.fill('[data-testid=reveal-phone-reason]', '会员来电核实身份')
    await page.click('[data-testid=reveal-phone-confirm]')
    await page.waitForSelector('[data-testid=reveal-phone-value]')
    expect(await page.textContent('[data-testid=reveal-phone-value]')).toContain('13912348888')
    // only the field asked for is in clear
    expect(await profile.textContent()).not.toContain('王小明')
    await screenshot(page, 'console-member-revealed')

    await page.click('[data-testid=nav-audit]')
    const sentence = page.locator('[data-testid=audit-sentence]', { hasText: '查看会员' })
    await sentence.first().waitFor()
    expect(await sentence.first().textContent()).toBe(
      '运营 mask-e2e-op 查看会员 139****8888 的完整手机号（原因：会员来电核实身份）',
    )
    await screenshot(page, 'console-reveal-audit')
    expect(errors).toEqual([])
  })

  it('exports a segment masked, then in clear with a reason; each file names the operator; both recorded', async () => {
    const api = ctx.api()
    await api.ctx.services.segments.create(
      { name: '隐私导出测试', description: '', definition: { churnRisk: false }, note: '' },
      'mask-e2e-op',
      api.clock.now(),
    )
    const { page } = ctx.browser()
    const errors = await openConsoleAs(api, ctx.browser(), 'mask-e2e-op', '#/segments')
    const row = page.locator('[data-testid=segment-row]', { hasText: '隐私导出测试' })
    await row.waitFor()
    expect(await page.locator('main').innerText()).not.toMatch(/seg_[0-9a-f]/) // no internal ids on the page
    await row.locator('[data-testid=segment-export]').click()
    await page.waitForSelector('[data-testid=segment-export-panel]')
    const fileOf = async (click: () => Promise<void>) => {
      const [download] = await Promise.all([page.waitForEvent('download'), click()])
      return readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '')
    }

    const masked = await fileOf(() => page.click('[data-testid=segment-export-masked]'))
    expect(masked.split('\r\n')[0]).toMatch(
      /^导出人：运营 mask-e2e-op（账号 mask-e2e-op）；导出时间：.*个人信息：已脱敏$/,
    )
    expect(masked).toContain('王*明,139****8888,199*-**-**')
    expect(masked).not.toContain('13912348888')
    await page.waitForSelector('[data-testid=segment-export-panel] .notice')

    // in clear only with a reason: an empty one is refused on the page
    await page.click('[data-testid=segment-export-clear]')
    await page.waitForSelector('[data-testid=segment-export-panel] .form-error')
    await page.fill('[data-testid=segment-export-reason]', '会员节短信回访名单')
    const clear = await fileOf(() => page.click('[data-testid=segment-export-clear]'))
    expect(clear.split('\r\n')[0]).toContain('个人信息：明文（原因：会员节短信回访名单）')
    expect(clear).toContain('王小明,13912348888,1992-03-08')
    await screenshot(page, 'console-segment-export')

    await page.click('[data-testid=nav-audit]')
    const sentences = page.locator('[data-testid=audit-sentence]', { hasText: '导出分群' })
    await sentences.nth(1).waitFor()
    expect(await sentences.allTextContents()).toEqual([
      expect.stringMatching(
        /^运营 mask-e2e-op 导出分群「隐私导出测试」的会员 \d+ 位（含完整个人信息）（原因：会员节短信回访名单）$/,
      ),
      expect.stringMatching(/^运营 mask-e2e-op 导出分群「隐私导出测试」的会员 \d+ 位（个人信息已脱敏）$/),
    ])
    expect(errors).toEqual([])
  })
})
