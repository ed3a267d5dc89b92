import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bearer } from '../support/api-harness'
import { PNG_1X1 } from '../support/feedback-helpers'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * Member privacy in the release build: the guide agreed at first login (recorded by the server), WeChat's
 * privacy authorisation popup before a photo (declined: no picker; agreed on our agreePrivacyAuthorization
 * button: the picker opens), 我的数据 copied whole, and the phone unbound from 我的.
 */
jest.setTimeout(90_000)

let lane: WeappLane
beforeAll(async () => {
  lane = await startWeappLane('production')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const get = async (url: string) => (await lane.api.http.get(url).set(bearer(lane.memberToken()))).body

it('asks for agreement to the privacy guide at first login and records it', async () => {
  lane.wx.user = { openid: 'o-weapp-privacy' }
  await lane.launch('/pages/card/index')
  await lane.tap('.wechat-login-button')
  const agree = await lane.waitFor('.privacy-agree')
  expect(lane.mp.top.route).toBe('pages/privacy/index')
  expect(agree.dom.getAttribute('open-type')).toBe('agreePrivacyAuthorization')
  expect(lane.text('.privacy-guide')).toContain('保存多久')
  await lane.tap(agree)
  await lane.waitFor('.card-member-no')
  await lane.settle()
  expect(await get('/api/me/privacy/consent')).toMatchObject({ required: false })
})

it('shows the privacy authorisation popup before the photo picker; declined, no picker', async () => {
  const photo = path.join(os.tmpdir(), `weapp-lane-privacy-${process.pid}.png`)
  writeFileSync(photo, PNG_1X1)
  lane.wx.privacy.agreed = false
  lane.mp.navigate('navigateTo', '/pages/feedback/index')
  await lane.waitFor('.feedback-form')
  await lane.settle()

  await lane.tap('.feedback-photo-pick')
  await lane.waitFor('.privacy-auth')
  expect(lane.wx.privacy.asked).toBe(1)
  await lane.tap('.privacy-auth__disagree')
  await lane.settle()
  expect(lane.find('.privacy-auth')).toBeUndefined()
  expect(lane.wx.calls).not.toContain('chooseImage')

  lane.wx.images.push(photo)
  await lane.tap('.feedback-photo-pick')
  const agree = await lane.waitFor('.privacy-auth__agree')
  expect(agree.dom.getAttribute('open-type')).toBe('agreePrivacyAuthorization')
  // The member taps 同意: WeChat records the button (the id the component gives it; the lane's DOM does not
  // carry ids) and fires its agreeprivacyauthorization event.
  lane.wx.privacy.agreeButtons.add('privacy-agree')
  agree.dispatchEvent('agreeprivacyauthorization', { detail: {} })
  await lane.waitFor('.feedback-photo-preview')
  await lane.settle()
  expect(lane.wx.privacy.agreed).toBe(true)
  expect(lane.wx.calls.filter((c) => c === 'chooseImage')).toHaveLength(1)
  await lane.back()
})

it('我的数据 copies the whole export', async () => {
  lane.mp.navigate('navigateTo', '/pages/my-data/index')
  await lane.waitFor('.my-data-ledger')
  await lane.settle()
  await lane.tap('.my-data-save')
  await lane.settle()
  const copied = JSON.parse(lane.wx.clipboard.at(-1) ?? '{}')
  const card = await get('/api/me/card')
  expect(copied.profile).toMatchObject({ memberNo: card.memberNo })
  expect(lane.wx.toasts).toContain('已复制全部数据')
  await lane.back()
})

it('unbinds the phone from 我的 after the confirmation', async () => {
  const card = await get('/api/me/card')
  await lane.api.ctx.services.members.bindPhone(card.memberNo, '13912340000', lane.api.clock.now())
  lane.mp.navigate('switchTab', '/pages/me/index')
  await lane.waitFor('.phone-row__unbind')
  await lane.settle()
  await lane.tap('.phone-row__unbind')
  await lane.waitFor('.phone-row__bind')
  await lane.settle()
  expect(lane.wx.modals.at(-1)).toContain('解绑手机号')
  expect((await get('/api/me/card')).phoneMasked).toBeNull()
})
