import type { Page } from 'playwright-core'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { PNG_1X1 } from '../support/feedback-helpers'

jest.setTimeout(120_000)
// A fresh Chromium profile per person (newBrowser), so the member's and the operator's sessions never mix.
const h5 = h5UnderTest({ withConsole: true, browsers: [] })

const text = async (page: Page, selector: string) =>
  ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim()

describe('member feedback in Chromium', () => {
  it(
    'a member submits feedback with a photo in the H5 app, the ' +
      'operator replies in the console, the member sees the reply',
    async () => {
      const api = h5.api()
      api.clock.runFrom(new Date())
      // Member: log in, open 意见反馈 from the card, submit.
      const member = (await h5.newBrowser()).page
      await h5.loginMember(member, 'e2e-feedback')
      await member.click('.card-to-feedback')
      await member.waitForSelector('.feedback-empty', { timeout: 20_000 })

      await member.click('.feedback-submit')
      await member.waitForSelector('text=请选择反馈类型') // the form checks before sending
      await member.click('.feedback-category[data-code="parking"]')
      await member.fill('.feedback-text textarea', 'B2 停车场出口缴费排队太久')
      const [chooser] = await Promise.all([member.waitForEvent('filechooser'), member.click('.feedback-photo-pick')])
      await chooser.setFiles({ name: 'queue.png', mimeType: 'image/png', buffer: PNG_1X1 })
      await member.waitForSelector('.feedback-photo-preview')
      await screenshot(member, 'feedback-form')
      await member.click('.feedback-submit')
      await member.waitForSelector('.feedback-result', { timeout: 20_000 })
      const ticketId = (await member.getAttribute('.feedback-result', 'data-ticket'))!
      expect(ticketId).toMatch(/^\d{8}-1$/)
      await member.waitForSelector(`.feedback-ticket[data-ticket="${ticketId}"][data-status="open"]`)
      expect(await text(member, `.feedback-ticket[data-ticket="${ticketId}"] .feedback-status`)).toBe('待处理')
      const stored = await api.ctx.services.feedback.get(ticketId)
      expect(stored).toMatchObject({ category: 'parking', text: 'B2 停车场出口缴费排队太久', hasPhoto: true })

      // Operator: the console's 会员反馈 page, open the ticket, assign and reply.
      await api.loginStaff('e2e-fb-operator', 'operator', null)
      const ops = (await h5.newBrowser()).page
      await ops.setViewportSize({ width: 1280, height: 900 })
      await ops.goto(`${api.url}/admin`)
      await ops.fill('[data-testid=login-username]', 'e2e-fb-operator')
      await ops.fill('[data-testid=login-password]', 'correct horse battery')
      await ops.click('[data-testid=login-submit]')
      await ops.click('[data-testid=nav-feedback]')
      await ops.selectOption('[data-testid=feedback-filter-status]', 'open')
      await ops.click(`[data-testid=feedback-row]:has-text("${ticketId}")`)
      expect(await text(ops, '[data-testid=feedback-detail-text]')).toBe('B2 停车场出口缴费排队太久')
      await ops.waitForFunction(
        () =>
          (document.querySelector('[data-testid=feedback-detail-photo]') as HTMLImageElement | null)?.naturalWidth ===
          1,
      )
      await ops.click('[data-testid=feedback-assign-submit]') // empty: refused by the shared contract
      expect(await text(ops, '[data-testid=feedback-assign-error]')).toContain('请填写处理人或部门')
      await ops.fill('[data-testid=feedback-assign-input]', '停车场管理处')
      await ops.click('[data-testid=feedback-assign-submit]')
      await ops.waitForSelector('[data-testid=feedback-detail-status]:has-text("处理中")')
      await ops.fill('[data-testid=feedback-reply-input]', '已在高峰时段加开一个人工缴费口，感谢您的反馈')
      await ops.click('[data-testid=feedback-reply-submit]')
      await ops.waitForSelector('[data-testid=feedback-detail-status]:has-text("已回复")')
      expect(await text(ops, '[data-testid=feedback-history]')).toContain('e2e-fb-operator')
      await screenshot(ops, 'feedback-console')

      // Member: the ticket shows the reply and its status; the photo loads from its own route.
      await member.reload()
      await member.waitForSelector(`.feedback-ticket[data-ticket="${ticketId}"][data-status="replied"]`, {
        timeout: 20_000,
      })
      const card = `.feedback-ticket[data-ticket="${ticketId}"]`
      expect(await text(member, `${card} .feedback-status`)).toBe('已回复')
      expect(await text(member, `${card} .feedback-event--assign`)).toContain('已转交停车场管理处处理')
      expect(await text(member, `${card} .feedback-reply`)).toContain('已在高峰时段加开一个人工缴费口，感谢您的反馈')
      expect(await text(member, card)).not.toContain('e2e-fb-operator')
      await member.click(`${card} .feedback-photo-view`)
      await member.waitForFunction(
        (sel) => (document.querySelector(sel) as HTMLImageElement | null)?.naturalWidth === 1,
        `${card} .feedback-photo img`,
      )
      await screenshot(member, 'feedback-replied')
      expect(h5.takePageErrors()).toEqual([])
    },
  )
})
