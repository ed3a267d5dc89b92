import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { bearer } from '../support/api-harness'
import { storeModel } from '../../server/src/modules/stores/store.model'
import { startWeappLane, type WeappLane } from './support/weapp-lane'

/**
 * The member app's structure in the release build: the tabBar (four tabs, icons in the package),
 * 首页 with the operator's content and the store directory, the member code tab raising the screen
 * brightness while the code shows and giving the member's own back when the tab is left, and 我的
 * with WeChat's phone binding and logout. The lane keeps WeChat's tab rules: a tab page opens only by
 * switchTab (or reLaunch) and is kept, hidden, when another tab shows.
 */
jest.setTimeout(90_000)

let lane: WeappLane
beforeAll(async () => {
  lane = await startWeappLane('production')
  await storeModel(lane.api.conn).insertMany([
    {
      _id: 'WH1',
      name: '星巴克臻选',
      floor: '1F',
      category: '餐饮',
      opensAt: '08:00',
      closesAt: '22:00',
      active: true,
    },
    { _id: 'WH2', name: '优衣库', floor: '2F', category: '服饰', opensAt: '10:00', closesAt: '22:00', active: true },
  ])
  const operator = (await lane.api.loginStaff('w-home-ops', 'operator', null)).accessToken
  const saved = await lane.api.http
    .put('/api/ops/home-content')
    .set(bearer(operator))
    .send({
      version: 0,
      banners: [
        { id: 'double', title: '周末会员日 积分双倍', subtitle: '全场消费积分翻倍', link: '/pages/coupons/index' },
      ],
      announcements: [{ id: 'parking', title: 'B2 停车场分区改造', body: '请停 B1', publishedOn: '2026-12-01' }],
      events: [{ id: 'market', title: '圣诞市集', place: '1F 中庭', startsOn: '2026-12-20', endsOn: '2099-12-25' }],
    })
  expect(saved.status).toBe(200)
})
afterEach(() => lane.expectNoProblems())
afterAll(async () => lane?.stop())

it('declares the four tabs with their icons in the package', () => {
  const app = JSON.parse(readFileSync(path.join(lane.build.dir, 'app.json'), 'utf8'))
  expect(app.pages[0]).toBe('pages/home/index')
  expect(app.tabBar.list.map((t: { text: string; pagePath: string }) => [t.text, t.pagePath])).toEqual([
    ['首页', 'pages/home/index'],
    ['会员码', 'pages/card/index'],
    ['积分商城', 'pages/mall/index'],
    ['我的', 'pages/me/index'],
  ])
  for (const tab of app.tabBar.list) {
    for (const icon of [tab.iconPath, tab.selectedIconPath]) {
      const file = path.join(lane.build.dir, icon)
      expect({ icon, exists: existsSync(file) }).toEqual({ icon, exists: true })
      expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
      expect(readFileSync(file).length).toBeLessThan(40 * 1024) // WeChat's limit for a tab icon
    }
  }
})

it(
  'a new member lands on the code tab, bright while ' + 'the code shows, and gets their brightness back on 首页',
  async () => {
    await lane.loginWithWechat('o-weapp-home')
    expect(lane.mp.top.route).toBe('pages/card/index')
    await lane.waitFor('.member-code-digits')
    await lane.settle()
    expect(lane.wx.brightness).toBe(1)

    lane.mp.navigate('switchTab', '/pages/home/index')
    await lane.waitFor('.home-banner')
    await lane.settle()
    expect(lane.wx.brightness).toBe(0.4)
    expect(lane.text('.home-banner__title')).toBe('周末会员日 积分双倍')
    expect(lane.text('.home-announcement__title')).toBe('B2 停车场分区改造')
    expect(lane.text('.home-event__title')).toBe('圣诞市集')
    expect(lane.findAll('.dir-store__name').map((n) => n.dom.textContent)).toEqual(['星巴克臻选', '优衣库'])
    expect(lane.text('.home-member__meta')).toMatch(/普通会员 · \d+ 积分/)

    // the member strip opens the code tab, which WeChat kept: shown again, bright again
    await lane.tap('.home-member')
    await lane.settle()
    expect(lane.mp.top.route).toBe('pages/card/index')
    expect(lane.wx.brightness).toBe(1)
    expect(lane.wx.calls).toContain('switchTab')
  },
)

it(
  'a banner and the shortcuts open their pages; 我的 ' + 'binds the phone with WeChat and logs out after asking',
  async () => {
    lane.mp.navigate('switchTab', '/pages/home/index')
    await lane.settle()
    await lane.tap('.home-banner')
    await lane.settle()
    expect(lane.mp.top.route).toBe('pages/coupons/index')
    await lane.back()

    lane.mp.navigate('switchTab', '/pages/mall/index')
    await lane.settle()
    lane.mp.navigate('switchTab', '/pages/me/index')
    await lane.waitFor('.me-points')
    await lane.settle()
    expect(lane.wx.brightness).toBe(0.4)
    const bind = await lane.waitFor('.phone-row__bind')
    expect(bind.dom.getAttribute('open-type')).toBe('getPhoneNumber')
    await lane.tap('.me-to-wallet')
    await lane.waitFor('.wallet-balance')
    await lane.back()

    lane.wx.modalAnswers.push(false)
    await lane.tap('.me-logout')
    await lane.settle()
    expect(lane.mp.top.route).toBe('pages/me/index')
    await lane.tap('.me-logout')
    await lane.settle()
    expect(lane.wx.modals.filter((m) => m.startsWith('退出登录'))).toHaveLength(2)
    expect(lane.mp.top.route).toBe('pages/login/index')
    expect(lane.wx.storage.size === 0 || ![...lane.wx.storage.keys()].some((k) => /token/i.test(k))).toBe(true)
  },
)
