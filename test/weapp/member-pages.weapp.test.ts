import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bearer } from '../support/api-harness'
import { PNG_1X1 } from '../support/feedback-helpers'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * The member's other pages in the release build, reached from the card as a member would: wallet,
 * check-in (with the subscribe-message permission weapp asks for), feedback with a photo picked
 * from the album and shown again through wx.downloadFile, and the invite page's share card, which a
 * friend on another phone opens and joins through.
 */
jest.setTimeout(60_000)

let lane: WeappLane
let member: string
beforeAll(async () => {
  lane = await startWeappLane('production')
  await lane.loginWithWechat('o-weapp-pages')
  member = lane.memberToken()
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const get = async (url: string, token = member) => (await lane.api.http.get(url).set(bearer(token))).body
const credits = async (kind: string) => {
  const { templates } = await get('/api/me/notifications')
  const template = templates.find((t: { kind: string }) => t.kind === kind)
  expect(lane.wx.subscribeRequests).toContainEqual(expect.arrayContaining([template.templateId]))
  return template.credits as number
}

it('wallet: the balance and the welcome gift entry from the ledger', async () => {
  await lane.tap('.card-to-wallet')
  await lane.waitFor('.wallet-entry')
  await lane.settle()
  const wallet = await get('/api/me/wallet')
  expect(lane.text('.wallet-balance')).toBe(String(wallet.balance))
  expect(lane.findAll('.wallet-entry')).toHaveLength(1)
  await lane.back()
  expect(lane.mp.top.route).toBe('pages/card/index')
})

it("check-in: today is checked in once; the reminder asks for the build's subscribe template", async () => {
  await lane.tap('.card-to-checkin')
  await lane.waitFor('.checkin-button')
  await lane.settle()
  await lane.tap('.checkin-button')
  await lane.waitFor('.checkin-reward')
  await lane.settle()
  const status = await get('/api/me/checkin')
  expect(status.checkedInToday).toBe(true)
  expect(lane.find('.checkin-streak')?.dom.textContent).toContain(String(status.streak))

  const reminder = await lane.waitFor('.checkin-reminder')
  reminder.dispatchEvent('change', { detail: { value: true } })
  await lane.settle()
  expect(lane.wx.subscribeRequests).toEqual([[lane.build.checkinTemplateId]])
  expect(lane.wx.toasts).toContain('已开启签到提醒')
  expect((await get('/api/me/checkin')).reminderSubscribed).toBe(true)
  await lane.back()
})

it('feedback: a photo from the album is sent with the ticket and shown again from the server', async () => {
  const photo = path.join(os.tmpdir(), `weapp-lane-photo-${process.pid}.png`)
  writeFileSync(photo, PNG_1X1)
  await lane.tap('.card-to-feedback')
  await lane.waitFor('.feedback-form')
  await lane.settle()
  await lane.tap(await lane.waitFor('.feedback-category', (n) => n.dom.textContent === '停车'))
  await lane.type('.feedback-text', '停车场 B2 指示牌不清楚')
  lane.wx.images.push(photo)
  await lane.tap('.feedback-photo-pick')
  await lane.waitFor('.feedback-photo-preview')
  await lane.tap('.feedback-submit')
  await lane.waitFor('.feedback-result')
  await lane.waitFor('.feedback-ticket')
  await lane.settle()

  const mine = await get('/api/me/feedback')
  expect(mine.items).toHaveLength(1)
  expect(mine.items[0]).toMatchObject({ category: 'parking', text: '停车场 B2 指示牌不清楚', hasPhoto: true })
  expect(lane.text('.feedback-result')).toContain(mine.items[0].ticketId)
  // The submit tap also asked for the reply notice; accepted, the server holds one message for it.
  expect(await credits('feedback_replied')).toBe(1)

  await lane.tap('.feedback-photo-view')
  const shown = await lane.waitFor('.feedback-photo')
  await lane.settle()
  expect(lane.wx.calls).toContain('downloadFile')
  expect(shown.dom.getAttribute('src')).toMatch(/download-\d+$/)
  await lane.back()
})

it('invite: the share card carries the code; a friend who opens it on another phone joins as invited', async () => {
  await lane.tap('.card-to-invite')
  await lane.waitFor('.invite-code')
  await lane.settle()
  const code = lane.text('.invite-code')
  expect(code).toBe((await get('/api/me/invites')).inviteCode)
  // weapp shares a card instead of copying a link
  expect(lane.find('.invite-copy')).toBeUndefined()
  expect(lane.find('.invite-share')?.dom.getAttribute('open-type')).toBe('share')
  // weapp shows the mini-program code the server has WeChat draw (the stub's image)
  expect((await lane.waitFor('.invite-wxacode')).dom.getAttribute('src')).toMatch(/^data:image\/(png|jpeg);base64,/)
  // What WeChat asks the page for when the share button is tapped, and for 朋友圈:
  const share = lane.mp.top.page.onShareAppMessage({ from: 'button' })
  expect(share.path).toContain(`inviter=${code}`)
  expect(lane.mp.top.page.onShareTimeline().query).toBe(`inviter=${code}`)

  // Another phone: empty storage, WeChat opens the shared path, the friend logs in with WeChat.
  lane.wx.storage.clear()
  lane.wx.user = { openid: 'o-weapp-invited-friend' }
  lane.mp.navigate('reLaunch', share.path)
  await lane.waitFor('.wechat-login-button')
  await lane.tap('.wechat-login-button')
  await lane.agreePrivacyIfAsked()
  await lane.waitFor('.card-member-no')
  await lane.settle()
  const login = lane.network.sent.filter((s) => s === 'POST /api/auth/wechat-login')
  expect(login).toHaveLength(2)
  expect((await get('/api/me/invites')).friends).toHaveLength(1)
})
