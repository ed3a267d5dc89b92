import path from 'node:path'
import { appRoutes, type LaneBuild } from './lane-build'
import type { SetDataMeter } from './metrics'

/**
 * The mini-program framework around the built code: App()/getApp(), Page() and the page stack with
 * WeChat's navigation rules (known routes only, at most 10 pages, tab pages only by switchTab or reLaunch,
 * switchTab only to a tab page; a tab page left by switchTab is kept, hidden, and shown again).
 * Pages are rendered by miniprogram-simulate from the built .wxml through WeChat's compiler; a
 * page registers as a component whose methods are the page's lifecycles and event handlers, which
 * is how WeChat itself runs a Page since base library 2.x ("Component as Page").
 */

/** A rendered node (j-component); `dom` is its DOM element. */
export interface WxNode {
  dom: HTMLElement
  instance?: any
  dispatchEvent(name: string, options?: unknown): void
}

export interface RenderedPage extends WxNode {
  querySelector(selector: string): WxNode | undefined
  querySelectorAll(selector: string): WxNode[]
  attach(parent: Node): void
  detach(): void
}

/**
 * The part of miniprogram-simulate the lane uses, typed here: the package's own typings import
 * WeChat's global declarations (wx, Page, require, …) into every test file's type space.
 */
export interface Simulate {
  load(
    componentPath: string,
    options: { rootPath: string; compiler: 'official'; compilerOptions: { maxBuffer: number } },
  ): string
  render(id: string): RenderedPage
}

export interface OpenPage {
  route: string
  query: Record<string, string>
  comp: RenderedPage
  /** the page instance (`this` in the built page code) */
  page: any
}

export type NavKind = 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack' | 'switchTab'

/** A plugin page the app opened (plugin://<name>/<page>?query): WeChat's, so not rendered here. */
export interface PluginPage {
  name: string
  provider: string
  page: string
  query: Record<string, string>
}

const MAX_STACK = 10

export class MiniProgram {
  readonly stack: OpenPage[] = []
  /** Date.now() of the last page opened, shown, hidden or closed */
  lastChangeAt = 0
  private app: any = null
  private readonly routes: Set<string>
  /** the tabBar's pages (app.json) */
  private readonly tabs: Set<string>
  /** app.json's plugins: name → provider appid */
  private readonly plugins: Map<string, string>
  /** plugin pages opened by navigateTo, oldest first; the one on top covers the app's page */
  readonly pluginPages: PluginPage[] = []
  private closePluginPage: (() => void) | null = null
  /** tab pages WeChat keeps alive while another tab shows */
  private readonly parkedTabs = new Map<string, OpenPage>()
  private readonly ids = new Map<string, string>()
  private loadingRoute = ''

  constructor(
    private readonly simulate: Simulate,
    private readonly build: LaneBuild,
    private readonly meter: SetDataMeter,
  ) {
    const { main, sub, tabs, plugins } = appRoutes(build)
    this.routes = new Set([...main, ...sub])
    this.tabs = new Set(tabs)
    this.plugins = plugins
    this.installGlobals()
  }

  get top(): OpenPage {
    const top = this.stack[this.stack.length - 1]
    if (!top) throw new Error('no page is open')
    return top
  }

  /** Runs app.js and opens the first page, as WeChat does for a cold start. */
  launch(url: string): OpenPage {
    // app.js runs once per realm (its modules are cached): one cold start per test file.
    if (this.app) throw new Error('the mini-program is already launched: navigate with mp.navigate instead')
    require(path.join(this.build.dir, 'app.js'))
    if (!this.app) throw new Error('app.js did not call App()')
    const { route, query } = this.parse(url)
    const options = { path: route, query, scene: 1001, referrerInfo: {} }
    this.app.onLaunch?.call(this.app, options)
    this.app.onShow?.call(this.app, options)
    return this.open(route, query)
  }

  /** Performs a wx navigation; returns WeChat's errMsg on refusal. */
  navigate(kind: NavKind, url: string | undefined, delta = 1): string | null {
    if (kind === 'navigateBack') {
      if (this.stack.length < 2) return null // at the bottom WeChat stays put
      for (let i = 0; i < Math.min(delta, this.stack.length - 1); i++) this.close(this.stack.pop()!)
      this.top.page.onShow?.()
      return null
    }
    if (!url) return `${kind}:fail parameter error: parameter.url should be String`
    if (url.startsWith('plugin://')) return this.openPluginPage(kind, url)
    const { route, query } = this.parse(url)
    if (!this.routes.has(route)) return `${kind}:fail page "${route}" is not found`
    if (kind === 'switchTab') {
      if (!this.tabs.has(route)) return `${kind}:fail can not switch to no-tabBar page`
      this.switchTab(route, query)
      return null
    }
    if (this.tabs.has(route) && kind !== 'reLaunch') return `${kind}:fail can not ${kind} a tabbar page`
    if (kind === 'navigateTo') {
      if (this.stack.length >= MAX_STACK) return `${kind}:fail webview count limit exceed`
      this.top.page.onHide?.()
    } else if (kind === 'redirectTo') {
      this.close(this.stack.pop()!)
    } else {
      while (this.stack.length) this.close(this.stack.pop()!)
      for (const parked of this.parkedTabs.values()) this.close(parked)
      this.parkedTabs.clear()
    }
    this.open(route, query)
    return null
  }

  /**
   * plugin://<name>/<page>: WeChat opens the plugin's page only by navigateTo and only when app.json declares
   * <name>. Its page is the plugin's, not the app's: it is recorded and covers the app's page until
   * `leavePluginPage` (the member's back button) shows it again.
   */
  private openPluginPage(kind: NavKind, url: string): string | null {
    const match = /^plugin:\/\/([^/?]+)\/([^?]+)(?:\?(.*))?$/.exec(url)
    if (!match) return `${kind}:fail url "${url}" is not a plugin page`
    const [, name, page, search] = match
    const provider = this.plugins.get(name!)
    if (provider === undefined) return `${kind}:fail plugin "${name}" is not declared in app.json`
    if (kind !== 'navigateTo') return `${kind}:fail can not ${kind} a plugin page`
    if (this.closePluginPage) return `${kind}:fail a plugin page is already open`
    this.pluginPages.push({
      name: name!,
      provider,
      page: page!,
      query: Object.fromEntries(new URLSearchParams(search)),
    })
    this.closePluginPage = this.cover()
    return null
  }

  /** The back button on a plugin page: the app's page shows again. */
  leavePluginPage(): void {
    if (!this.closePluginPage) throw new Error('no plugin page is open')
    const show = this.closePluginPage
    this.closePluginPage = null
    show()
  }

  /** The pages above the tab page close; the tab page is kept hidden; the target shows (or opens). */
  private switchTab(route: string, query: Record<string, string>): void {
    const top = this.stack[this.stack.length - 1]
    if (top?.route === route) return
    top?.page.onHide?.()
    while (this.stack.length) {
      const leaving = this.stack.pop()!
      if (this.tabs.has(leaving.route)) this.parkedTabs.set(leaving.route, leaving)
      else this.close(leaving)
    }
    const parked = this.parkedTabs.get(route)
    if (!parked) {
      this.open(route, query)
      return
    }
    this.parkedTabs.delete(route)
    this.stack.push(parked)
    this.lastChangeAt = Date.now()
    parked.page.onShow?.()
  }

  /** Hides the top page (a system sheet covers it); returns the function that shows it again. */
  cover(): () => void {
    const covered = this.top
    this.lastChangeAt = Date.now()
    covered.page.onHide?.()
    return () => {
      if (this.stack.includes(covered)) covered.page.onShow?.()
    }
  }

  /** Closes every page (their timers stop with onUnload), so the test file can end cleanly. */
  closeAll(): void {
    while (this.stack.length) this.close(this.stack.pop()!)
    for (const parked of this.parkedTabs.values()) this.close(parked)
    this.parkedTabs.clear()
  }

  private open(route: string, query: Record<string, string>): OpenPage {
    let id = this.ids.get(route)
    if (!id) {
      this.loadingRoute = route
      id = this.simulate.load(path.join(this.build.dir, route), {
        rootPath: this.build.dir,
        compiler: 'official',
        compilerOptions: { maxBuffer: 64 * 1024 * 1024 },
      })
      this.ids.set(route, id)
    }
    this.lastChangeAt = Date.now()
    this.meter.begin(`first render: ${route}`)
    const comp = this.simulate.render(id)
    const host = document.createElement('page-host')
    document.body.appendChild(host)
    comp.attach(host)
    const page = comp.instance
    page.options = query
    const opened: OpenPage = { route, query, comp, page }
    this.stack.push(opened)
    page.onLoad?.(query)
    page.onShow?.()
    // onReady follows the first render, which Taro schedules after onLoad.
    setTimeout(() => this.stack.includes(opened) && page.onReady?.(), 0)
    return opened
  }

  private close(opened: OpenPage): void {
    this.lastChangeAt = Date.now()
    opened.page.onUnload?.()
    opened.comp.detach()
  }

  private parse(url: string): { route: string; query: Record<string, string> } {
    const [rawPath = '', search = ''] = url.split('?')
    const base = this.stack.length ? path.posix.dirname(this.top.route) : ''
    const route = rawPath.startsWith('/') ? rawPath.slice(1) : path.posix.join(base, rawPath)
    // WeChat hands the query to onLoad as written (still URL-encoded).
    const query: Record<string, string> = {}
    for (const pair of search.split('&').filter(Boolean)) {
      const [k = '', v = ''] = pair.split('=')
      query[k] = v
    }
    return { route, query }
  }

  private installGlobals(): void {
    const g = globalThis as any
    const meter = this.meter
    g.App = (options: any) => {
      this.app = options
    }
    g.getApp = () => this.app
    g.getCurrentPages = () => this.stack.map((p) => p.page)
    g.requirePlugin = () => {
      throw new Error('requirePlugin: this mini-program declares no plugins')
    }
    // Every component instance (pages and Taro's recursive `comp`) reports its setData calls.
    const register = g.Component
    const metered = (created?: () => void) =>
      function (this: any) {
        const setData = this.setData
        this.setData = (data: Record<string, unknown>, cb?: () => void) => {
          meter.record(data)
          return setData.call(this, data, cb)
        }
        created?.call(this)
      }
    g.Component = (options: any) => {
      const created = metered(options.lifetimes?.created ?? options.created)
      return register({ ...options, lifetimes: { ...options.lifetimes, created } })
    }
    g.Page = (options: any) => {
      const route = this.loadingRoute
      const methods: Record<string, unknown> = {}
      const fields: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(options)) {
        if (k !== 'data') (typeof v === 'function' ? methods : fields)[k] = v
      }
      register({
        data: options.data,
        methods,
        lifetimes: {
          created: metered(function (this: any) {
            this.route = this.__route__ = route
            Object.assign(this, fields)
          }),
        },
      })
    }
  }
}
