import { bearer } from '../support/api-harness'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * WeChat's privacy authorisation before the phone number (app.json __usePrivacyCheck__), in the release build: a
 * member who has not agreed taps 绑定 (an open-type getPhoneNumber button); WeChat asks the page's
 * wx.onNeedPrivacyAuthorization listener first, and 我的 shows our popup. Declined: no number is asked for or
 * bound. Agreed on the popup's agreePrivacyAuthorization button: WeChat goes on and the number is bound.
 */
jest.setTimeout(90_000)

let lane: WeappLane
beforeAll(async () => {
  lane = await startWeappLane('production')
  await lane.loginWithWechat('o-weapp-phone-privacy')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const phone = async () =>
  (await lane.api.http.get('/api/me/card').set(bearer(lane.memberToken()))).body.phoneMasked ?? null

/** The member taps the getPhoneNumber button; WeChat goes on with the number only once privacy is agreed. */
async function tapBind(agreeOnPopup: boolean): Promise<void> {
  const button = await lane.waitFor('.phone-row__bind')
  expect(button.dom.getAttribute('open-type')).toBe('getPhoneNumber')
  const wechatGoesOn = lane.wx.privacyForButton('getPhoneNumber')
  await lane.waitFor('.privacy-auth')
  if (agreeOnPopup) {
    const agree = await lane.waitFor('.privacy-auth__agree')
    expect(agree.dom.getAttribute('open-type')).toBe('agreePrivacyAuthorization')
    lane.wx.privacy.agreeButtons.add('privacy-agree') // the id WeChat records for the tapped button
    agree.dispatchEvent('agreeprivacyauthorization', { detail: {} })
  } else {
    await lane.tap('.privacy-auth__disagree')
  }
  if (!(await wechatGoesOn)) return
  const code = lane.api.wechat.phoneCode('13912346666')
  button.dispatchEvent('getphonenumber', { detail: { code, errMsg: 'getPhoneNumber:ok' } })
}

it('asks for privacy authorisation before the phone number: declined, nothing bound', async () => {
  lane.wx.privacy.agreed = false
  lane.mp.navigate('switchTab', '/pages/me/index')
  await lane.settle()
  await tapBind(false)
  await lane.settle()
  expect(lane.wx.privacy.asked).toBe(1)
  expect(lane.find('.privacy-auth')).toBeUndefined()
  expect(lane.wx.privacy.agreed).toBe(false)
  expect(await phone()).toBeNull()
  expect(lane.find('.phone-row__bind')).toBeDefined()
})

it('agreed on the popup, WeChat goes on and the number is bound', async () => {
  await tapBind(true)
  await lane.waitFor('.phone-row__value')
  await lane.settle()
  expect(lane.wx.privacy.asked).toBe(2)
  expect(lane.wx.privacy.agreed).toBe(true)
  expect(lane.text('.phone-row__value')).toMatch(/^139\*{4}6666$/)
  expect(await phone()).toBe('139****6666')
})
