import { startTestApi, type TestApi } from '../../support/api-harness'
import { installDom, watchDomAccess } from './dom'
import { registerObservedBuiltins } from './builtins'
import { laneBuild, type LaneBuild, type LaneMode } from './lane-build'
import { SetDataMeter, type Measurement } from './metrics'
import { MiniProgram, type OpenPage, type Simulate, type WxNode } from './mini-program'
import { createNetwork, type Network } from './network'
import { createWx, type WxControls } from './wx-shim'

/**
 * One test file's mini-program: a real API server on the embedded database (with the WeChat stub),
 * the built weapp output rendered by WeChat's WXML compiler, and a strict `wx` whose network calls
 * reach that server. Anything WeChat would refuse or that breaks silently — a console error, an
 * unknown wx member, a non-https request in a release build, an unhandled rejection — is collected
 * as a problem; `expectNoProblems()` (run after every test) fails the test on any of them.
 */
export type { WxNode }

export interface WeappLane {
  api: TestApi
  build: LaneBuild
  wx: WxControls
  network: Network
  mp: MiniProgram
  meter: SetDataMeter
  problems: string[]
  /** Cold start at `url` (default: the card, the app's first page). */
  launch(url?: string): Promise<OpenPage>
  /** Waits until no request is open and nothing was rendered for `quietMs`; closes the setData window. */
  settle(quietMs?: number): Promise<Measurement | null>
  waitFor(selector: string, accept?: (node: WxNode) => boolean, timeoutMs?: number): Promise<WxNode>
  find(selector: string): WxNode | undefined
  findAll(selector: string): WxNode[]
  text(selector: string): string
  tap(target: string | WxNode): Promise<void>
  type(selector: string, value: string): Promise<void>
  /** Runs `action` and measures the setData it causes until the page settles. */
  measure(label: string, action: () => unknown): Promise<Measurement>
  /** The system back button. */
  back(): Promise<void>
  /** The WeChat login a new member does: card → login page → 微信一键登录 → agree to the privacy guide. */
  loginWithWechat(openid: string): Promise<void>
  /** Right after a login: agrees to the privacy guide when the app shows it (first login, newer guide). */
  agreePrivacyIfAsked(): Promise<void>
  /** The access token the mini-program stored for the member (to check results over the API). */
  memberToken(): string
  expectNoProblems(): void
  stop(): Promise<void>
}

export async function startWeappLane(
  mode: LaneMode = 'production',
  /** server configuration, as for startTestApi */
  overrides: Record<string, string> = {},
): Promise<WeappLane> {
  const build = laneBuild(mode)
  const problems: string[] = []
  const problem = (m: string) => void problems.push(m)
  installDom()
  // After the DOM: exparser reads it when it loads. Defines global Component/Behavior.

  const simulate = require('miniprogram-simulate') as Simulate

  registerObservedBuiltins(require('j-component').register)

  const api = await startTestApi(overrides)
  const meter = new SetDataMeter()
  const network = createNetwork(build, api.url, problem)
  const mp = new MiniProgram(simulate, build, meter)
  const wx = createWx({
    network,
    wechat: api.wechat,
    problem,
    navigate: (kind, url, delta) => mp.navigate(kind, url, delta),
    coverPage: () => mp.cover(),
  })
  ;(globalThis as { wx?: unknown }).wx = wx.wx
  watchDomAccess(build.dir, problem)

  const restoreConsole = captureConsole(problem)
  const onRejection = (reason: unknown) => problem(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`)
  process.on('unhandledRejection', onRejection)

  const current = () => mp.top.comp
  const lane: WeappLane = {
    api,
    build,
    wx,
    network,
    mp,
    meter,
    problems,
    async launch(url = '/pages/card/index') {
      const opened = mp.launch(url)
      await lane.settle()
      return opened
    },
    async settle(quietMs = 150) {
      const deadline = Date.now() + 15_000
      for (;;) {
        await sleep(25)
        const last = Math.max(meter.lastCallAt, network.lastActivityAt(), wx.lastCallAt, mp.lastChangeAt)
        const quiet = network.inFlight() === 0 && Date.now() - last >= quietMs
        if (quiet && !meter.awaitingFirstRender()) return meter.finish()
        if (Date.now() > deadline) {
          const state = `${network.inFlight()} requests open, rendered: ${!meter.awaitingFirstRender()}`
          throw new Error(`${mp.top.route} did not settle: ${state}`)
        }
      }
    },
    async waitFor(selector, accept = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const node = current().querySelectorAll(selector).find(accept)
        if (node) return node
        if (Date.now() > deadline) {
          throw new Error(`${mp.top.route}: no ${selector} after ${timeoutMs} ms; page text: ${pageText(mp.top)}`)
        }
        await sleep(25)
      }
    },
    find: (selector) => current().querySelector(selector),
    findAll: (selector) => current().querySelectorAll(selector),
    text(selector) {
      const node = current().querySelector(selector)
      if (!node) throw new Error(`${mp.top.route}: no ${selector}; page text: ${pageText(mp.top)}`)
      return node.dom.textContent ?? ''
    },
    async tap(target) {
      const node = typeof target === 'string' ? await lane.waitFor(target) : target
      node.dispatchEvent('tap')
      await sleep(0)
    },
    async type(selector, value) {
      const node = await lane.waitFor(selector)
      node.dispatchEvent('input', { detail: { value, cursor: value.length, keyCode: 0 } })
      await sleep(0)
    },
    async measure(label, action) {
      await lane.settle()
      meter.begin(label)
      await action()
      return (await lane.settle()) ?? { label, calls: 0, bytes: 0, largestCall: 0 }
    },
    async back() {
      mp.navigate('navigateBack', undefined)
      await lane.settle()
    },
    memberToken() {
      const session = wx.storage.get('mall.session.v1') as { accessToken?: string } | undefined
      if (!session?.accessToken) throw new Error('no member session in wx storage')
      return session.accessToken
    },
    async loginWithWechat(openid) {
      wx.user = { openid }
      await lane.launch('/pages/card/index') // no session: the card sends the member to login
      await lane.waitFor('.wechat-login-button')
      await lane.tap('.wechat-login-button')
      await lane.agreePrivacyIfAsked()
      await lane.waitFor('.card-member-no')
      await lane.settle()
    },
    async agreePrivacyIfAsked() {
      const deadline = Date.now() + 10_000
      for (;;) {
        const agree = lane.find('.privacy-agree')
        if (agree) return lane.tap(agree)
        if (lane.find('.card-member-no') || lane.find('.member-code-digits')) return
        if (Date.now() > deadline) throw new Error(`${mp.top.route}: neither the privacy guide nor the card`)
        await sleep(25)
      }
    },
    expectNoProblems() {
      const found = problems.splice(0)
      expect(found).toEqual([])
    },
    async stop() {
      mp.closeAll()
      meter.finish()
      meter.save(expect.getState().testPath ?? 'unknown')
      process.off('unhandledRejection', onRejection)
      restoreConsole()
      await api.stop()
    },
  }
  return lane
}

export function pageText(opened: OpenPage): string {
  return (opened.comp.dom?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 400)
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** console.error from the app (Taro logs caught render errors there) is a problem; so is a warning. */
function captureConsole(problem: (m: string) => void): () => void {
  const { error, warn } = console
  console.error = (...args: unknown[]) => problem(`console.error: ${args.map(String).join(' ')}`)
  console.warn = (...args: unknown[]) => problem(`console.warn: ${args.map(String).join(' ')}`)
  return () => {
    console.error = error
    console.warn = warn
  }
}
