import { h5UnderTest, screenshot } from '../support/h5-harness'
import { startPayWorld } from '../support/wechat-pay-helpers'

/**
 * H5, phone viewport: a member reports missing points (积分未到账) from the wallet, sees it 待审核, the
 * service desk approves it in the staff pages' 积分补登, and the member sees 已补登 +N and the points in the
 * wallet as 服务台补登.
 */
jest.setTimeout(120_000)

const h5 = h5UnderTest({ start: startPayWorld })
beforeAll(() => h5.api().addStore('DESK', '服务台'))

it('积分未到账: file a claim from the wallet, the desk approves it, the member sees the points', async () => {
  const [w, page] = [h5.world(), h5.page()]
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await h5.loginMember(page, 'e2e-claim')
  await page.goto(`${w.api.url}/#/pages/wallet/index`)
  await page.click('.wallet-claim-link')
  await page.waitForSelector('.points-claim-form')

  // nothing chosen yet: the form says what is missing, in Chinese
  await page.click('.points-claim-submit')
  expect(await page.textContent('.points-claim-problem')).toBe('请选择消费的门店')

  await page.click('.points-claim-store')
  await page.click('.weui-picker__action:has-text("确定")')
  expect(await page.textContent('.points-claim-store')).toContain('微信门店')
  await page.fill('.points-claim-amount input', '128.5')
  await page.fill('.points-claim-reference input', 'E2E-RC-1')
  await page.click('.points-claim-submit')
  await page.waitForSelector('.points-claim-answer[data-finding=filed]')
  await page.waitForSelector('.points-claim-item[data-status=pending]')
  expect(await page.textContent('.points-claim-item')).toContain('待审核')
  expect(await page.textContent('.points-claim-item')).toContain('¥128.50')
  await screenshot(page, 'member-points-claim-filed')

  // The service desk on its phone: 工作台 → 积分补登, opens the claim, approves the reported amount.
  await w.api.loginStaff('e2e-desk', 'clerk', 'DESK')
  const desk = await h5.browser().context.newPage()
  await h5.loginStaff(desk, 'e2e-desk', '.tile-claims')
  await desk.click('.tile-claims')
  await desk.waitForSelector('.claim-queue-row', { timeout: 20_000 })
  const row = (await desk.textContent('.claim-queue-row'))!
  expect(row).toContain('微信门店 · ¥128.50')
  expect(row).toContain('小票号 E2E-RC-1')
  await desk.click('.claim-open')
  expect(await desk.inputValue('.claim-approve-amount input')).toBe('128.50')
  await screenshot(desk, 'desk-points-claim-review')
  await desk.click('.claim-approve')
  await desk.waitForSelector('.claim-queue-row', { state: 'detached', timeout: 20_000 })
  expect(await (await desk.waitForSelector('.staff-state-empty', { timeout: 20_000 })).textContent()).toBe(
    '暂无待处理的补登申请',
  )

  await page.reload()
  await page.waitForSelector('.points-claim-item[data-status=approved]')
  expect(await page.textContent('.points-claim-item')).toContain('已补登 +128 积分')
  await screenshot(page, 'member-points-claim-approved')

  await page.goto(`${w.api.url}/#/pages/wallet/index`)
  await page.waitForSelector('.wallet-entry')
  const entry = await page.textContent('.wallet-entry')
  expect(entry).toContain('服务台补登')
  expect(entry).toContain('+128')
  expect(errors).toEqual([])
})
