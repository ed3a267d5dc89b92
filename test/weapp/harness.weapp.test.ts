import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * The lane's own guarantees: what WeChat would refuse is caught, not papered over. Each case
 * provokes one failure through the strict `wx` and takes the problem it must have recorded.
 */
jest.setTimeout(60_000)

let lane: WeappLane
let wx: Record<string, (...args: unknown[]) => unknown>
beforeAll(async () => {
  lane = await startWeappLane('production')
  wx = lane.wx.wx as typeof wx
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

const taken = (): string[] => lane.problems.splice(0)
const request = (url: string) =>
  new Promise<string>((resolve) => wx.request!({ url, fail: (r: { errMsg: string }) => resolve(r.errMsg) }))

it('a wx member weapp does not have throws and is reported', () => {
  expect(() => wx.getUserProfileSync).toThrow('wx.getUserProfileSync does not exist in weapp')
  expect(taken()).toEqual(['wx.getUserProfileSync does not exist in weapp'])
})

it('a real wx API the lane does not simulate throws and is reported', () => {
  expect(() => wx.openBluetoothAdapter!({})).toThrow('not simulated')
  expect(taken()[0]).toMatch(/^wx\.openBluetoothAdapter was called/)
})

it('a release build may only call its https API origin', async () => {
  expect(await request('http://api.weapp-lane.test/api/health')).toBe('request:fail url not in domain list')
  expect(await request('https://evil.example/api')).toBe('request:fail url not in domain list')
  expect(await request('/api/me/card')).toMatch(/^request:fail invalid url/)
  expect(taken()).toEqual([
    'request to a non-https URL in a production build: http://api.weapp-lane.test/api/health',
    "request to https://evil.example, which is not the build's API origin https://api.weapp-lane.test",
  ])
})

it('console errors and warnings are problems', () => {
  console.error('boom')
  console.warn('careful')
  expect(taken()).toEqual(['console.error: boom', 'console.warn: careful'])
})

it('navigation to a page the app does not have is refused and reported', async () => {
  await lane.launch('/pages/card/index')
  wx.navigateTo!({ url: '/pages/nowhere/index' })
  await lane.settle()
  expect(taken()).toContainEqual(
    'wx.navigateTo(/pages/nowhere/index) refused: navigateTo:fail page "pages/nowhere/index" is not found',
  )
})
