import { bearer } from '../support/api-harness'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * 注销账号 in the release build: 我的 → 账号与安全 → 注销账号 renders what is lost, asks 我已了解 and a second
 * confirmation (wx.showModal), then says when the account is erased; 我的 shows the banner and 撤销注销 takes
 * the request back.
 */
jest.setTimeout(90_000)

let lane: WeappLane
beforeAll(async () => {
  lane = await startWeappLane('production')
  await lane.loginWithWechat('o-weapp-delete')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const status = async () => (await lane.api.http.get('/api/me/account-deletion').set(bearer(lane.memberToken()))).body

it('asks for deletion from 我的 → 账号与安全 after the statement and two confirmations', async () => {
  lane.mp.navigate('navigateTo', '/pages/account-security/index')
  await lane.tap(await lane.waitFor('.account-to-deletion'))
  await lane.waitFor('.deletion-losses')
  await lane.settle()
  expect(lane.text('.deletion-losses')).toContain('积分将作废')
  expect(lane.text('.deletion-losses')).toContain('7 天冷静期')

  await lane.tap('.deletion-understand')
  lane.wx.modalAnswers.push(false) // 再想想
  await lane.tap('.deletion-request')
  await lane.settle()
  expect(lane.wx.modals.at(-1)).toContain('确认注销账号？')
  expect((await status()).state).toBe('none')

  await lane.tap('.deletion-request') // 确认注销
  await lane.waitFor('.deletion-pending__notice')
  await lane.settle()
  expect(lane.text('.deletion-pending__notice')).toMatch(/^账号将于 \d{1,2}月\d{1,2}日 注销$/)
  expect((await status()).state).toBe('pending')
  await lane.back()
  await lane.back()
})

it('shows the banner on 我的 and takes the request back with 撤销注销', async () => {
  lane.mp.navigate('switchTab', '/pages/me/index')
  await lane.waitFor('.deletion-banner')
  await lane.settle()
  expect(lane.text('.deletion-banner__notice')).toMatch(/^账号将于 \d{1,2}月\d{1,2}日 注销$/)
  await lane.tap('.deletion-banner__undo')
  await lane.settle()
  expect(lane.find('.deletion-banner')).toBeUndefined()
  expect((await status()).state).toBe('none')
})
