import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { withoutMemberDay } from '../support/points-helpers'
import { photoAndSubmit } from '../support/receipt-photo-helpers'

/**
 * The console's 小票审核 in Chromium at 1280px: time to decision, the queue, one receipt with its photo (click to
 * zoom) and the flag of a photo sent twice, approve with a changed amount and a note; the rules form saves a new
 * version. Screenshots console-receipt-review, console-receipt-rules.
 */
jest.setTimeout(120_000)

const ctx = consoleUnderTest()
beforeAll(async () => {
  const api = ctx.api()
  await withoutMemberDay(api)
  api.ctx.services.receiptOcr.enabled = false
  await api.addStore('CR1', '优衣库')
})

it('小票审核: open a receipt, zoom the photo, approve with another amount; change a rule', async () => {
  const api = ctx.api()
  const member = await api.loginMember('e2e-console-receipt')
  const purchasedAt = new Date(Date.now() - 3600_000).toISOString()
  const res = await photoAndSubmit(api, member.accessToken, {
    storeId: 'CR1',
    receiptNo: 'CONSOLE1',
    amountFen: 299_00,
    purchasedAt,
  })
  expect(res.status).toBe(201)

  const { page } = ctx.browser()
  await api.loginStaff('e2e-receipt-operator', 'operator', null)
  const errors = await openConsoleAs(api, ctx.browser(), 'e2e-receipt-operator', '#/receipt-photos')
  await page.waitForSelector('[data-testid=receipt-sla-figures]')
  expect(await page.textContent('[data-testid=receipt-sla-figures]')).toContain('待审核 1 张')
  await page.waitForSelector('[data-testid=receipt-table] tbody tr')
  expect(await page.textContent('[data-testid=receipt-table]')).toContain('CONSOLE1')
  await page.click('[data-testid=receipt-open]')
  await page.waitForSelector('[data-testid=receipt-photo]')
  await page.click('[data-testid=receipt-photo]')
  await page.waitForSelector('[data-testid=receipt-photo].is-zoomed')
  await page.click('[data-testid=receipt-photo]')
  await page.fill('[data-testid=receipt-amount]', '259.00')
  await page.click('[data-testid=receipt-approve]')
  await page.waitForSelector('text=修改金额需填写原因')
  await page.fill('[data-testid=receipt-note]', '小票实付 259 元')
  await screenshot(page, 'console-receipt-review')
  await page.click('[data-testid=receipt-approve]')
  await page.waitForSelector('text=没有待审核的小票')
  const mine = await api.http.get('/api/me/receipt-photos').set({ Authorization: `Bearer ${member.accessToken}` })
  expect(mine.body.items[0]).toMatchObject({ status: 'approved', approvedAmountFen: 259_00, points: 259 })

  // Never edited yet: the defaults, not a "version 0"; the save makes version 1.
  expect(await page.textContent('[data-testid=receipt-rules]')).toContain('默认设置，尚未修改')
  await page.fill('[data-testid=receipt-rule-minYuan]', '20')
  await page.fill('[data-testid=receipt-rule-note]', '最低金额提高到 20 元')
  await page.click('[data-testid=receipt-rule-save]')
  await page.waitForSelector('text=已保存为新版本')
  await page.waitForSelector('text=小票积分规则（版本 1）')
  await page.waitForSelector('[data-testid=config-history] tbody tr')
  expect(await page.textContent('[data-testid=config-history]')).toContain('最低金额 ¥10 → ¥20')
  await screenshot(page, 'console-receipt-rules')
  expect((await api.ctx.services.receiptPhotoRules.current()).minAmountFen).toBe(20_00)
  expect(errors).toEqual([])
})
