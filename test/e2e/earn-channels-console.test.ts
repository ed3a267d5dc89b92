import { POINTS_CLAIM_REJECT_REASONS_ZH } from '@mall/shared'
import { bearer } from '../support/api-harness'
import { screenshot } from '../support/browser'
import { consoleUnderTest, openConsoleAs } from '../support/console-harness'
import { payment, startPayWorld, wechatMember } from '../support/wechat-pay-helpers'

/**
 * The console's earn-channel pages in Chromium at 1280px, against the WeChat Pay stub: 微信支付商圈
 * (merchant mapping, payments waiting with their reason in words and a retry, failing syncs with the
 * error in words and 立即重试), 积分补登 (approve a claim), and the dashboard's channel mix. Screenshots
 * in test-results/e2e/.
 */
jest.setTimeout(120_000)

const ctx = consoleUnderTest({ start: startPayWorld })

it('微信支付商圈: map a merchant, see the waiting payment earn, send a failing sync now', async () => {
  const w = ctx.world()
  const member = await wechatMember(w, 'o-e2e-console')
  // a payment at a merchant nobody mapped, and a payment whose points sync WeChat refuses once
  expect(
    (await w.pay.deliver(w.paymentUrl, payment(w, '4200000000000090001', 'o-e2e-console', 168_00, '1900007777')))
      .status,
  ).toBe(204)
  w.pay.failNextSyncs(1, 500, 'SYSTEM_ERROR')
  expect((await w.pay.deliver(w.paymentUrl, payment(w, '4200000000000090002', 'o-e2e-console', 99_00))).status).toBe(
    204,
  )
  await w.api.ctx.jobs.syncWechatPayPoints(w.api.clock.now())

  const { page } = ctx.browser()
  const errors = await openConsoleAs(w.api, ctx.browser(), 'wxpay-operator', '#/wechat-pay')
  await page.waitForSelector('[data-testid=wxpay-unmapped-table] tbody tr')
  expect(await page.textContent('[data-testid=wxpay-merchant-table]')).toContain('1900000101')
  const unmapped = await page.textContent('[data-testid=wxpay-unmapped-table]')
  expect(unmapped).toContain('商户未关联门店')
  expect(unmapped).toContain('168')
  await page.waitForSelector('[data-testid=wxpay-sync-table] tbody tr')
  const syncs = await page.textContent('[data-testid=wxpay-sync-table]')
  expect(syncs).toContain('微信支付系统繁忙')
  expect(syncs).not.toContain('SYSTEM_ERROR')
  await screenshot(page, 'console-wechat-pay-queues')

  await page.click('[data-testid=wxpay-sync-table] tbody tr button')
  await page.waitForSelector('text=微信支付已接收积分同步')
  await page.waitForSelector('text=所有积分同步均已完成')

  await page.fill('[data-testid=wxpay-mchid]', '1900007777')
  await page.selectOption('[data-testid=wxpay-store]', 'WX1')
  await page.click('[data-testid=wxpay-map]')
  await page.waitForSelector('text=没有待处理的支付')
  expect(await page.textContent('[data-testid=wxpay-merchant-table]')).toContain('1900007777')
  await screenshot(page, 'console-wechat-pay-mapped')

  // A merchant outside the programme (a bank counter): marked so, listed as 不参与积分.
  await page.fill('[data-testid=wxpay-mchid]', '1900006666')
  await page.selectOption('[data-testid=wxpay-store]', '__outside__')
  await page.click('[data-testid=wxpay-map]')
  await page.waitForSelector('text=不参与积分，其微信支付将告知微信')
  const outsideRow = page.locator('[data-testid=wxpay-merchant-table] tr', { hasText: '1900006666' })
  expect(await outsideRow.textContent()).toContain('不参与积分')
  await screenshot(page, 'console-wechat-pay-outside')
  const wallet = await w.api.http.get('/api/me/wallet/entries').set(bearer(member.accessToken))
  expect(wallet.body.items.filter((e: { channel?: string }) => e.channel === '微信支付')).toHaveLength(2)
  expect(errors).toEqual([])
})

it('积分补登: the operator approves a claim; the dashboard shows the channel mix', async () => {
  const w = ctx.world()
  await w.api.addStore('DESK', '服务台')
  const member = await w.api.loginMember('e2e-claimer')
  const filed = await w.api.http
    .post('/api/me/points-claims')
    .set(bearer(member.accessToken))
    .send({ storeId: 'WX1', purchasedAt: w.api.clock.now().toISOString(), amountFen: 258_00, receiptNo: 'E2E-1' })
  expect(filed.body.finding).toBe('filed')

  const { page } = ctx.browser()
  const errors = await openConsoleAs(w.api, ctx.browser(), 'wxpay-operator', '#/points-claims')
  await page.waitForSelector('[data-testid=claim-row]')
  const row = await page.textContent('[data-testid=claim-row]')
  expect(row).toContain('微信门店')
  expect(row).toContain('待审核')
  await page.click('[data-testid=claim-open]')
  expect(await page.inputValue('[data-testid=claim-amount]')).toBe('258')
  // the shared 驳回 row: every listed reason, and the button beside it
  expect(await page.locator('[data-testid=claim-reason] option').allTextContents()).toEqual(
    Object.values(POINTS_CLAIM_REJECT_REASONS_ZH),
  )
  expect(await page.isEnabled('[data-testid=claim-reject]')).toBe(true)
  await screenshot(page, 'console-points-claim-review')
  await page.click('[data-testid=claim-approve]')
  await page.waitForSelector('text=已补登 258 积分')

  await page.goto(`${w.api.url}/admin#/dashboard`)
  await page.waitForSelector('[data-testid=channel-mix-row][data-channel=service_desk]')
  const desk = await page.textContent('[data-testid=channel-mix-row][data-channel=service_desk]')
  expect(desk).toContain('服务台补登')
  expect(desk).toContain('258.00') // amounts always with two decimals, so the column lines up
  const wx = await page.textContent('[data-testid=channel-mix-row][data-channel=wechat_pay]')
  expect(wx).toContain('267.00') // 168 + 99 yuan
  await page.locator('[data-testid=channel-mix]').scrollIntoViewIfNeeded()
  await screenshot(page, 'console-dashboard-channel-mix')
  expect(errors).toEqual([])
})

it('the dashboard lists the work waiting: claims to review, payments to map, syncs failing', async () => {
  const w = ctx.world()
  const member = await w.api.loginMember('e2e-waiting')
  const filed = await w.api.http
    .post('/api/me/points-claims')
    .set(bearer(member.accessToken))
    .send({ storeId: 'WX1', purchasedAt: w.api.clock.now().toISOString(), amountFen: 88_00, receiptNo: 'E2E-2' })
  expect(filed.body.finding).toBe('filed')
  await wechatMember(w, 'o-e2e-waiting')
  const unmapped = payment(w, '4200000000000090003', 'o-e2e-waiting', 50_00, '1900008888')
  expect((await w.pay.deliver(w.paymentUrl, unmapped)).status).toBe(204)

  const { page } = ctx.browser()
  const errors = await openConsoleAs(w.api, ctx.browser(), 'wxpay-operator', '#/dashboard')
  await page.waitForSelector('[data-testid=earn-backlog-item]')
  const value = async (key: string) =>
    (await page.textContent(`[data-testid=earn-backlog-item][data-key=${key}] .metric-value`))?.trim()
  expect([await value('receipts'), await value('claims'), await value('unmapped'), await value('syncs')]).toEqual([
    '0',
    '1',
    '1',
    '0',
  ])
  expect(await page.textContent('[data-testid=earn-backlog]')).toContain('暂无数据')
  await page.locator('[data-testid=earn-backlog]').scrollIntoViewIfNeeded()
  await screenshot(page, 'console-dashboard-earn-backlog')
  await page.click('[data-testid=earn-backlog-item][data-key=unmapped]')
  await page.waitForSelector('[data-testid=wxpay-unmapped-table] tbody tr')
  expect(errors).toEqual([])
})
