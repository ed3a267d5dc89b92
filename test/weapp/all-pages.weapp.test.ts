import { appRoutes } from './support/lane-build'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * Every page of the release build renders from its compiled .wxml with data from the API and
 * without a problem (console error, unknown wx member, error state), including the ones no flow
 * test walks through. A member and a store manager are signed in, so no page redirects to login.
 */
jest.setTimeout(90_000)

/** A signed-in clerk who opens the staff login lands on the staff home. */
const SIGNED_IN_REDIRECTS: Record<string, string> = { 'staff/pages/login/index': 'staff/pages/home/index' }

let lane: WeappLane
let routes: string[]
beforeAll(async () => {
  lane = await startWeappLane('production')
  await lane.api.addStore('WP')
  await lane.api.loginStaff('w-manager', 'manager', 'WP')
  await lane.loginWithWechat('o-weapp-all-pages')
  lane.mp.navigate('navigateTo', '/staff/pages/login/index')
  await lane.type('.staff-username', 'w-manager')
  await lane.type('.staff-password', 'correct horse battery')
  await lane.tap('.staff-login-button')
  await lane.waitFor('.tile-daily')
  await lane.settle()
  const { main, sub } = appRoutes(lane.build)
  routes = [...main, ...sub]
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

it('renders every page of app.json', async () => {
  // every page is walked; these few prove app.json was read whole (main package, tabs, subpackage)
  const landmarks = [
    'pages/home/index',
    'pages/card/index',
    'pages/me/index',
    'pages/login/index',
    'staff/pages/home/index',
  ]
  expect(routes).toEqual(expect.arrayContaining(landmarks))
  for (const route of routes) {
    lane.mp.navigate('reLaunch', `/${route}`)
    await lane.settle()
    const expected = SIGNED_IN_REDIRECTS[route] ?? route
    expect({ route, shown: lane.mp.top.route }).toEqual({ route, shown: expected })
    expect({ route, errors: lane.findAll('.error-text').map((n) => n.dom.textContent) }).toEqual({ route, errors: [] })
    expect((lane.mp.top.comp.dom?.textContent ?? '').trim().length).toBeGreaterThan(4)
  }
})
