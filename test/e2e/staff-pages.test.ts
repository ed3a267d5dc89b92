import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import qrcode from 'qrcode-generator'
import type { Page } from 'playwright-core'
import { bearer, type TestApi } from '../support/api-harness'
import { h5UnderTest, screenshot } from '../support/h5-harness'
import { award, scan, withoutMemberDay } from '../support/points-helpers'
import { staffModel } from '../../server/src/modules/staff/staff.model'

/**
 * Staff pages at phone sizes in Chromium: the camera scans a member code where the browser has no
 * BarcodeDetector (Linux Chromium has none, like iOS Safari: the ZXing ponyfill reads the frames of a
 * fake camera showing the member's QR), a large purchase held for the manager (已提交店长审批) with its expected points, the
 * approvals list (member, amount, expected points, clerk, time) asking before approve and reject, and
 * the day report's per-staff rows and 更正申报 at 320 and 375 px.
 */
jest.setTimeout(180_000)

const h5 = h5UnderTest({ browsers: [] }) // the browser, with a fake camera, opens once the member has a code
let api: TestApi
let dir: string
let page: Page
let memberLogin: Awaited<ReturnType<TestApi['loginMember']>>

/** A 640×480 Y4M clip (Chromium's fake camera format) of `text` as a QR code, black on white. */
function qrVideo(text: string, file: string) {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const [w, h, cell] = [640, 480, 10]
  const size = qr.getModuleCount() * cell
  const [left, top] = [(w - size) / 2, (h - size) / 2]
  const y = Buffer.alloc(w * h, 235)
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (qr.isDark(Math.floor(r / cell), Math.floor(c / cell))) y[(top + r) * w + left + c] = 16
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma])
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]))
}

beforeAll(async () => {
  api = h5.api()
  await withoutMemberDay(api)
  await api.addStore('S9', '星巴克臻选')
  await api.loginStaff('e2e-till', 'clerk', 'S9')
  await api.loginStaff('e2e-boss', 'manager', 'S9')
  await staffModel(api.conn).updateOne({ _id: 'e2e-till' }, { $set: { displayName: '李娜' } })
  await staffModel(api.conn).updateOne({ _id: 'e2e-boss' }, { $set: { displayName: '王店长' } })
  memberLogin = await api.loginMember('e2e-vip')

  // The fake camera shows the member's current code (valid for this step and the next).
  dir = mkdtempSync(path.join(os.tmpdir(), 'staff-e2e-'))
  const code = (await api.http.get('/api/me/member-code').set(bearer(memberLogin.accessToken))).body.code
  qrVideo(code, path.join(dir, 'member-code.y4m'))
  const browser = await h5.newBrowser({
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${path.join(dir, 'member-code.y4m')}`,
    ],
    viewport: { width: 375, height: 667 },
  })
  page = browser.page
})
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const staffLogin = (username: string) => h5.loginStaff(page, username, '.tile-award')

async function atPhoneSizes(name: string) {
  for (const width of [320, 375]) {
    await page.setViewportSize({ width, height: width === 320 ? 568 : 667 })
    await page.waitForTimeout(250)
    await screenshot(page, `${name}-${width}`)
  }
}

/** The Taro H5 modal's buttons: [cancel, confirm]. */
const modalButton = (label: string) => page.locator(`.taro-modal__foot >> text=${label}`)

describe('staff pages in Chromium', () => {
  it('scans the member code with the camera where the browser has no BarcodeDetector', async () => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await staffLogin('e2e-till')
    expect(await page.evaluate(() => 'BarcodeDetector' in window)).toBe(false)
    await page.click('.tile-award')
    await page.click('.camera-scan-button')
    await page.waitForSelector('.camera-scan-overlay')
    await page.waitForSelector('.scanned-member', { timeout: 30_000 })
    expect(await page.textContent('.scanned-member')).toContain('e***p') // names are masked for staff (maskName)
    expect(await page.locator('.camera-scan-overlay').count()).toBe(0)

    // a purchase above the approval limit is held, with the points it will earn
    await page.fill('.receipt-input input', 'BIG-0001')
    await page.fill('.amount-input input', '12800')
    await page.click('.award-confirm')
    await page.waitForSelector('.award-result__headline', { timeout: 15_000 })
    expect(await page.textContent('.award-result__headline')).toBe('已提交店长审批')
    expect(await page.textContent('.award-result ~ .staff-section')).toMatch(/预计积分\s*12,800/)
    await atPhoneSizes('staff-award-held')
    expect(errors).toEqual([])
  })

  it(
    'lists held purchases with member, amount, expected ' + 'points, clerk and time, and asks before deciding',
    async () => {
      const clerk = (await api.loginStaff('e2e-till', 'clerk', 'S9')).accessToken
      const other = await api.loginMember('e2e-second')
      const held = await award(api, clerk, {
        scanToken: await scan(api, other, clerk),
        receiptNo: 'BIG-0002',
        amountFen: 15_000_00,
      })
      expect(held.body.status).toBe('pending_approval')

      await page.setViewportSize({ width: 375, height: 667 })
      await page.goto(`${api.url}/staff/#/staff/pages/home/index`)
      await page.click('.staff-logout')
      await staffLogin('e2e-boss')
      await page.click('.tile-approvals')
      await page.waitForSelector('.approval-row')
      const rows = await page.locator('.approval-row').allTextContents()
      expect(rows).toHaveLength(2)
      expect(rows[0]).toMatch(/e\*\*\*p.*消费 ¥12,800\.00.*预计 12,800 积分.*BIG-0001.*李娜/)
      expect(rows[1]).toMatch(/e\*\*\*d.*消费 ¥15,000\.00.*预计 15,000 积分.*BIG-0002.*李娜/)
      expect(await page.textContent('.approval-meta >> nth=0')).toMatch(/\d{2}:\d{2}/)
      await atPhoneSizes('staff-approvals')

      // 通过 asks first; 再想想 leaves it held
      await page.setViewportSize({ width: 375, height: 667 })
      await page.click('.approve-button >> nth=0')
      await page.waitForSelector('.taro-modal__content')
      expect(await page.textContent('.taro-modal__title')).toBe('通过并发放 12,800 积分？')
      expect(await page.textContent('.taro-modal__text')).toBe('e***p 消费 ¥12,800.00')
      await page.waitForTimeout(400) // the dialog's fade-in
      await screenshot(page, 'staff-approve-confirm-375')
      await modalButton('再想想').click()
      await page.waitForTimeout(300)
      expect(await page.locator('.approval-row').count()).toBe(2)

      await page.click('.approve-button >> nth=0')
      await modalButton('通过').click()
      await page.waitForFunction(() => document.querySelectorAll('.approval-row').length === 1)
      await page.click('.reject-button')
      expect(await page.textContent('.taro-modal__title')).toBe('拒绝 15,000 积分？')
      await modalButton('拒绝').click()
      await page.waitForSelector('text=暂无待审批的积分')
      const wallet = await api.http.get('/api/me/wallet').set(bearer(memberLogin.accessToken))
      expect(wallet.body.balance).toBe(api.config.welcomeGift.points + 12_800)
    },
  )

  it('day report rows never collide at 320–375 px and 更正申报 shows after a declaration', async () => {
    await page.goto(`${api.url}/staff/#/staff/pages/home/index`)
    await page.click('.tile-daily')
    await page.waitForSelector('.daily-staff-row')
    expect(await page.textContent('.daily-staff-row')).toContain('李娜')
    await page.fill('.sales-report__amount input', '385600.50')
    await page.fill('.sales-report__receipts input', '412')
    await page.click('.sales-report__submit')
    await page.waitForSelector('.sales-report__declared')
    await page.waitForTimeout(1_800) // the 已申报 toast's 1.5 s
    for (const width of [320, 375]) {
      await page.setViewportSize({ width, height: width === 320 ? 568 : 667 })
      await page.waitForTimeout(250)
      const [left, right] = await Promise.all([
        page.locator('.daily-staff-row__left').first().boundingBox(),
        page.locator('.daily-staff-row__right').first().boundingBox(),
      ])
      expect(left!.x + left!.width).toBeLessThanOrEqual(right!.x)
      expect(right!.x + right!.width).toBeLessThanOrEqual(width)
      // 前一天 / the day / 后一天 inside the card (at 320 px 后一天 stuck out past the card's padding)
      const [nav, day, next] = await Promise.all(
        ['.daily-nav', '.daily-nav__day', '.daily-next'].map((s) => page.locator(s).boundingBox()),
      )
      expect(next!.x + next!.width).toBeLessThanOrEqual(nav!.x + nav!.width - 8)
      expect(day!.x + day!.width).toBeLessThanOrEqual(next!.x)
      const submit = page.locator('.sales-report__submit')
      await submit.scrollIntoViewIfNeeded()
      expect(await submit.isVisible()).toBe(true)
      expect((await submit.textContent())!.trim()).toBe('更正申报')
      // a live primary button, not a greyed-out one (Taro H5 renders disabled="false" as an attribute)
      expect(await submit.getAttribute('disabled')).toBeNull()
      expect(await submit.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(47, 107, 255)')
      await screenshot(page, `staff-daily-${width}`)
    }
  })
})
