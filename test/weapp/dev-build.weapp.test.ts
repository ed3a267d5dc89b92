import { readFileSync } from 'node:fs'
import path from 'node:path'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * The development build (`npm run build:weapp`, what WeChat DevTools opens against a local
 * server): plain http to 127.0.0.1:3000 is allowed, and the login page offers the demo login next
 * to WeChat's, so a developer without a real appid can sign in as alice.
 */
jest.setTimeout(60_000)

let lane: WeappLane
beforeAll(async () => {
  lane = await startWeappLane('development')
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

it("is built for DevTools' test account and the local server", () => {
  const project = JSON.parse(readFileSync(path.join(lane.build.dir, 'project.config.json'), 'utf8'))
  expect(project.appid).toBe('touristappid')
  expect(lane.build.apiBase).toBe('http://127.0.0.1:3000')
})

it('logs in with the dev login (体验账号) over http', async () => {
  await lane.launch('/pages/card/index')
  expect(lane.mp.top.route).toBe('pages/login/index')
  expect(lane.find('.wechat-login-button')).toBeDefined()
  await lane.tap(await lane.waitFor('.demo-user', (n) => n.dom.textContent === 'alice'))
  await lane.waitFor('.dev-user-input', (n) => n.dom.getAttribute('value') === 'alice')
  await lane.tap('.dev-login-button')
  await lane.agreePrivacyIfAsked()
  await lane.waitFor('.card-member-no')
  await lane.settle()
  expect(lane.network.sent[0]).toBe('POST /api/auth/dev-login')
  expect(lane.find('.card-face__nickname')).toBeDefined()
})
