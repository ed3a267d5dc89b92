import { shanghaiDateTime } from '@mall/shared'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { withoutMemberDay } from '../support/points-helpers'
import { decide, photoAndSubmit, receiptImage } from '../support/receipt-photo-helpers'

/**
 * H5, phone viewport: a member photographs a receipt (a receipt rendered in the test, given to the file
 * input), the form is prefilled by OCR where tesseract is installed, picks the store and submits; the service
 * desk opens it in the staff pages' 小票审核 and approves; the member sees 已通过 +56 积分 and the wallet entry
 * as 小票拍照. While it waits, the wallet's history shows it 待审核, and a refused one 未通过 with the reason.
 * Screenshots: receipt-member-form, receipt-member-pending, receipt-wallet-pending, receipt-desk-review,
 * receipt-member-approved, receipt-member-wallet.
 */
jest.setTimeout(180_000)

const h5 = h5UnderTest()
beforeAll(async () => {
  await withoutMemberDay(h5.api())
  await h5.api().addStore('E2R', '星巴克')
})

it('小票积分: member submits a receipt photo, the desk approves it, the member sees the points', async () => {
  const api = h5.api()
  const { page, context } = h5.browser()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  const boughtAt = new Date(Date.now() - 3600_000)
  const printed = shanghaiDateTime(boughtAt, { seconds: true })
  const photo = await receiptImage({ store: '星巴克 STARBUCKS', receiptNo: 'E2E0001', time: printed, total: '56.50' })
  const hasOcr = (await api.ctx.services.receiptOcr.languages()) !== null

  await h5.loginMember(page, 'e2e-receipt')
  await page.click('.card-to-receipts')
  await page.waitForSelector('.receipt-form', { timeout: 20_000 })
  await page.waitForSelector('.receipt-empty')
  await page.click('.receipt-submit')
  expect(await page.textContent('.receipt-problem')).toBe('请先拍摄或选择小票照片')

  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('.receipt-photo-pick')])
  await chooser.setFiles({ name: 'receipt.jpg', mimeType: 'image/jpeg', buffer: photo })
  await page.waitForSelector('.receipt-photo-preview')
  await page.waitForSelector('.receipt-reading', { state: 'detached', timeout: 30_000 })
  if (hasOcr) {
    await page.waitForSelector('.receipt-prefilled')
    expect(await page.inputValue('.receipt-amount input')).toBe('56.50')
    expect(await page.inputValue('.receipt-no input')).toBe('E2E0001')
  } else {
    await page.fill('.receipt-amount input', '56.50')
    await page.fill('.receipt-no input', 'E2E0001')
  }
  await page.click('.receipt-store')
  await page.click('.weui-picker__action:visible:has-text("确定")')
  expect(await page.textContent('.receipt-store')).toContain('星巴克')
  await screenshot(page, 'receipt-member-form')
  await page.click('.receipt-submit')
  await page.waitForSelector('.receipt-item[data-status=pending]', { timeout: 20_000 })
  expect(await page.textContent('.receipt-item')).toContain('待审核')
  expect(await page.textContent('.receipt-item')).toContain('¥56.50')
  await screenshot(page, 'receipt-member-pending')

  // Another receipt of this member, refused by the desk over the API: the wallet shows both without points.
  const member = await api.loginMember('e2e-receipt')
  const deskToken = (await api.loginStaff('e2e-receipt-desk', 'clerk', null)).accessToken
  const refused = await photoAndSubmit(api, member.accessToken, {
    storeId: 'E2R',
    receiptNo: 'E2E0002',
    amountFen: 88_00,
    purchasedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
  })
  expect(refused.status).toBe(201)
  const rejection = await decide(api, deskToken, refused.body.submissionId, 'reject', { reason: 'info_mismatch' })
  expect(rejection.status).toBe(200)
  await page.goto(`${api.url}/#/pages/wallet/index`)
  await page.waitForSelector('.wallet-receipt[data-status=pending]', { timeout: 20_000 })
  const pendingRow = await page.textContent('.wallet-receipt[data-status=pending]')
  expect(pendingRow).toContain('待审核')
  expect(pendingRow).toContain('小票 E2E0001')
  expect(pendingRow).toContain('¥56.50')
  expect(await page.textContent('.wallet-receipt[data-status=rejected]')).toContain('未通过（填写信息与小票不符）')
  await screenshot(page, 'receipt-wallet-pending')

  // The service desk (a mall-level clerk) in the staff pages
  const desk = await context.newPage()
  await h5.loginStaff(desk, 'e2e-receipt-desk', '.tile-receipts')
  await desk.click('.tile-receipts')
  await desk.waitForSelector('.receipt-queue-row', { timeout: 20_000 })
  await desk.click('.receipt-open')
  await desk.waitForSelector('.receipt-photo', { timeout: 20_000 })
  expect(await desk.inputValue('.receipt-approve-amount input')).toBe('56.50')
  await screenshot(desk, 'receipt-desk-review')
  await desk.click('.receipt-approve')
  await desk.waitForSelector('.receipt-queue-row', { state: 'detached', timeout: 20_000 })

  await page.goto(`${api.url}/#/pages/receipt-photos/index`)
  await page.waitForSelector('.receipt-item[data-status=approved]', { timeout: 20_000 })
  expect(await page.textContent('.receipt-item[data-status=approved]')).toContain('已通过 +56 积分')
  await screenshot(page, 'receipt-member-approved')
  await page.goto(`${api.url}/#/pages/wallet/index`)
  await page.waitForSelector('.wallet-entry', { timeout: 20_000 })
  const entry = await page.textContent('.wallet-entry')
  expect(entry).toContain('小票拍照')
  expect(entry).toContain('+56')
  // approved: now a points entry, no longer a 待审核 row; the refused one stays
  expect(await page.$('.wallet-receipt[data-status=pending]')).toBeNull()
  expect(await page.$$('.wallet-receipt[data-status=rejected]')).toHaveLength(1)
  await screenshot(page, 'receipt-member-wallet')
  expect(errors).toEqual([])
})
