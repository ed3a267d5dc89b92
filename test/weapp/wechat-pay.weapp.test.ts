import { readFileSync } from 'node:fs'
import path from 'node:path'
import { bearer } from '../support/api-harness'
import { startWechatPayStub, type WechatPayStub } from '../support/wechat-pay-stub'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * 微信支付自动积分 in the release build (issue 18): app.json declares WeChat Pay's 商圈会员快速积分 plugin, the
 * wallet says pay-to-earn is off, and 去开通 opens the plugin's page by plugin:// navigation with the member's
 * openid and the mall's merchant number; back from the plugin, the wallet asks again and shows it on
 * (WeChat's 授权查询, answered by the WeChat Pay stub).
 */
jest.setTimeout(60_000)

const OPENID = 'o-weapp-wxpay'
let pay: WechatPayStub
let lane: WeappLane
beforeAll(async () => {
  // The stub's clock reads the server's, which starts after the stub.
  // eslint-disable-next-line prefer-const
  let started: WeappLane | undefined
  pay = await startWechatPayStub(() => (started ? started.api.clock.now() : new Date()))
  started = await startWeappLane('production', pay.env())
  lane = started
  await lane.loginWithWechat(OPENID)
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => {
  await lane?.stop()
  await pay?.close()
})

it('app.json declares the 商圈会员快速积分 plugin the build was given', () => {
  const app = JSON.parse(readFileSync(path.join(lane.build.dir, 'app.json'), 'utf8'))
  expect(lane.build.pointsPluginProvider).toBe('wxfab2bf944bfc4da6')
  expect(app.plugins).toEqual({ mallPoints: { version: '2.5.5', provider: lane.build.pointsPluginProvider } })
})

it('去开通 opens the plugin with the member and the mall; back from it, the wallet shows pay-to-earn on', async () => {
  await lane.tap('.card-to-wallet')
  await lane.waitFor('.wechat-pay-section')
  await lane.settle()
  expect(lane.text('.wechat-pay-section')).toContain('未开通')

  await lane.tap('.wechat-pay-open')
  await lane.settle()
  const status = (await lane.api.http.get('/api/me/wechat-pay').set(bearer(lane.memberToken()))).body
  expect(lane.mp.pluginPages).toEqual([
    {
      name: 'mallPoints',
      provider: 'wxfab2bf944bfc4da6',
      page: 'index',
      query: { openid: OPENID, mch_id: pay.env().WECHAT_PAY_MCHID, member_status: '1' },
    },
  ])
  expect(new URLSearchParams(status.pluginQuery).get('openid')).toBe(OPENID)

  // The member authorises inside the plugin; WeChat's 授权查询 now says so.
  pay.setAuthorization(OPENID, 'AUTHORIZED')
  lane.mp.leavePluginPage()
  await lane.waitFor('.wechat-pay-section', (n) => (n.dom.textContent ?? '').includes('已开通'))
  await lane.settle()
  expect(lane.text('.wechat-pay-section')).toContain('已开通')
  expect(lane.find('.wechat-pay-open')).toBeUndefined()
  expect(lane.mp.top.route).toBe('pages/wallet/index')
})
