import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { StubUser, WechatStub } from '../../support/wechat-stub'
import type { Callbacks, Network } from './network'
import type { NavKind } from './mini-program'
import { wxApiNames } from './wx-api-names'

/**
 * A strict `wx`: it has exactly the members of the real one (wxApiNames). The ones the app calls
 * (Taro.* in miniapp/src) are simulated; calling any other real API, or touching a name weapp does
 * not have, is reported as a problem and throws — the first needs a simulation written here, the
 * second is `undefined is not a function` on a phone.
 */
export interface WxControls {
  wx: Record<string, unknown>
  storage: Map<string, unknown>
  /** the WeChat user wx.login signs in (a fresh stub code per call) */
  user: StubUser
  /** what the next wx.scanCode returns; empty = the user cancelled */
  scans: string[]
  /** the image wx.chooseImage returns next (a file path); empty = cancelled */
  images: string[]
  /** answers to wx.showModal, oldest first; default: confirm */
  modalAnswers: boolean[]
  toasts: string[]
  modals: string[]
  clipboard: string[]
  subscribeRequests: string[][]
  /** names of every wx API the app called, in order */
  calls: string[]
  /** Date.now() of the last wx call */
  lastCallAt: number
  /** the screen brightness (0–1) the app set last; the phone's own setting until then */
  brightness: number
  /**
   * WeChat's privacy authorisation (app.json __usePrivacyCheck__). `agreed` starts true, a user who agreed
   * before; a test sets it false to see the app's popup (wx.onNeedPrivacyAuthorization). `agreeButtons`
   * are the ids of agreePrivacyAuthorization buttons the user tapped, which WeChat checks an 'agree' against.
   */
  privacy: { agreed: boolean; asked: number; agreeButtons: Set<string> }
  /**
   * What WeChat does when the user taps a privacy-protected button (open-type getPhoneNumber): agreed already, it
   * goes on (true); otherwise it asks the page's wx.onNeedPrivacyAuthorization listener first and goes on only if
   * the user agrees on the popup. The test then fires the button's event as WeChat would.
   */
  privacyForButton(openType: string): Promise<boolean>
}

export interface ShimDeps {
  network: Network
  wechat: WechatStub
  navigate(kind: NavKind, url: string | undefined, delta?: number): string | null
  /** WeChat's camera and album cover the page: onHide now, onShow when they close (call the result) */
  coverPage(): () => void
  problem(message: string): void
}

/** Members Taro's build itself keeps on `wx` (its webpack chunk registry). */
const APP_OWNED = new Set(['webpackJsonp'])

export function createWx(deps: ShimDeps): WxControls {
  const c: WxControls = {
    wx: {},
    storage: new Map(),
    user: { openid: 'o-weapp-lane' },
    scans: [],
    images: [],
    modalAnswers: [],
    toasts: [],
    modals: [],
    clipboard: [],
    subscribeRequests: [],
    calls: [],
    lastCallAt: 0,
    brightness: 0.4,
    privacy: { agreed: true, asked: 0, agreeButtons: new Set() },
    privacyForButton: (openType) => new Promise((resolve) => askPrivacy(openType, resolve)),
  }
  type PrivacyAnswer = { event: 'exposureAuthorization' | 'agree' | 'disagree'; buttonId?: string }
  let privacyListener: ((resolve: (answer: PrivacyAnswer) => void, info: { referrer: string }) => void) | null = null
  // As WeChat: agreed already, it goes on; otherwise the page's listener shows its popup and answers.
  function askPrivacy(referrer: string, done: (agreed: boolean) => void): void {
    if (c.privacy.agreed) return done(true)
    if (!privacyListener) {
      deps.problem('a privacy API was called with no wx.onNeedPrivacyAuthorization listener on the page')
      return done(false)
    }
    c.privacy.asked++
    privacyListener(
      (answer) => {
        if (answer.event === 'exposureAuthorization') return
        if (answer.event === 'agree' && !c.privacy.agreeButtons.has(answer.buttonId ?? '')) {
          deps.problem(`privacy 'agree' with button ${answer.buttonId ?? '(none)'}, which the user did not tap`)
          return done(false)
        }
        c.privacy.agreed = answer.event === 'agree'
        done(c.privacy.agreed)
      },
      { referrer },
    )
  }
  const files = mkdtempSync(path.join(os.tmpdir(), 'weapp-lane-wx-'))
  let fileNo = 0
  const later = <T>(o: Callbacks<T> | undefined, api: string, result: T | null, errMsg?: string) => {
    setTimeout(() => {
      if (result === null) o?.fail?.({ errMsg: `${api}:fail ${errMsg ?? ''}`.trim() })
      else o?.success?.(result)
      o?.complete?.(result ?? { errMsg })
    }, 0)
  }
  const ok = (api: string) => ({ errMsg: `${api}:ok` })
  // The page shows again before the API answers, as on a phone.
  const uncoverThen = (uncover: () => void, answer: () => void) =>
    setTimeout(() => {
      uncover()
      answer()
    }, 0)
  const navigation =
    (kind: NavKind) =>
    (o: { url?: string; delta?: number } & Callbacks<unknown> = {}) => {
      // WeChat navigates after the current task; the page stack changes before success runs.
      setTimeout(() => {
        const refused = deps.navigate(kind, o.url, o.delta)
        if (refused) deps.problem(`wx.${kind}(${o.url ?? ''}) refused: ${refused}`)
        later(o, kind, refused ? null : ok(kind), refused ?? undefined)
      }, 0)
    }

  const simulated: Record<string, unknown> = {
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getStorageSync: (key: string) => (c.storage.has(key) ? structuredClone(c.storage.get(key)) : ''),
    setStorageSync: (key: string, value: unknown) => void c.storage.set(key, structuredClone(value)),
    removeStorageSync: (key: string) => void c.storage.delete(key),
    request: (o: Parameters<Network['request']>[0]) => deps.network.request(o),
    downloadFile: (o: Parameters<Network['downloadFile']>[0]) => deps.network.downloadFile(o),
    login: (o?: Callbacks<unknown>) => later(o, 'login', { code: deps.wechat.loginCode(c.user), ...ok('login') }),
    navigateTo: navigation('navigateTo'),
    redirectTo: navigation('redirectTo'),
    reLaunch: navigation('reLaunch'),
    navigateBack: navigation('navigateBack'),
    switchTab: navigation('switchTab'),
    showToast: (o: { title: string } & Callbacks<unknown>) => {
      c.toasts.push(o.title)
      later(o, 'showToast', ok('showToast'))
    },
    showModal: (o: { title?: string; content?: string } & Callbacks<unknown>) => {
      c.modals.push([o.title, o.content].filter(Boolean).join(': '))
      const confirm = c.modalAnswers.length ? c.modalAnswers.shift()! : true
      later(o, 'showModal', { confirm, cancel: !confirm, ...ok('showModal') })
    },
    getScreenBrightness: (o?: Callbacks<unknown>) =>
      later(o, 'getScreenBrightness', { value: c.brightness, ...ok('getScreenBrightness') }),
    setScreenBrightness: (o: { value: number } & Callbacks<unknown>) => {
      if (!(o.value >= 0 && o.value <= 1)) return later(o, 'setScreenBrightness', null, 'invalid value')
      c.brightness = o.value
      later(o, 'setScreenBrightness', ok('setScreenBrightness'))
    },
    stopPullDownRefresh: (o?: Callbacks<unknown>) => later(o, 'stopPullDownRefresh', ok('stopPullDownRefresh')),
    scanCode: (o?: Callbacks<unknown>) => {
      const uncover = deps.coverPage()
      const result = c.scans.shift()
      uncoverThen(uncover, () => {
        if (result === undefined) later(o, 'scanCode', null, 'cancel')
        else later(o, 'scanCode', { result, scanType: 'QR_CODE', charSet: 'utf-8', path: '', ...ok('scanCode') })
      })
    },
    requestSubscribeMessage: (o: { tmplIds: string[] } & Callbacks<unknown>) => {
      c.subscribeRequests.push(o.tmplIds)
      const answers = Object.fromEntries(o.tmplIds.map((id) => [id, 'accept']))
      later(o, 'requestSubscribeMessage', { ...answers, ...ok('requestSubscribeMessage') })
    },
    setClipboardData: (o: { data: string } & Callbacks<unknown>) => {
      c.clipboard.push(o.data)
      later(o, 'setClipboardData', ok('setClipboardData'))
    },
    chooseImage: (o?: Callbacks<unknown>) => {
      const uncover = deps.coverPage()
      const source = c.images.shift()
      uncoverThen(uncover, () => {
        if (!source) return later(o, 'chooseImage', null, 'cancel')
        const tempPath = path.join(files, `tmp-${++fileNo}${path.extname(source)}`)
        copyFileSync(source, tempPath)
        const size = readFileSync(tempPath).length
        const picked = { tempFilePaths: [tempPath], tempFiles: [{ path: tempPath, size }] }
        later(o, 'chooseImage', { ...picked, ...ok('chooseImage') })
      })
    },
    onNeedPrivacyAuthorization: (listener: typeof privacyListener) => {
      privacyListener = listener
    },
    requirePrivacyAuthorize: (o?: Callbacks<unknown>) => {
      const api = 'requirePrivacyAuthorize'
      askPrivacy(api, (agreed) => later(o, api, agreed ? ok(api) : null, 'privacy permission is not authorized'))
    },
    getFileSystemManager: () => ({
      readFile: (o: { filePath: string; encoding?: BufferEncoding } & Callbacks<unknown>) => {
        try {
          const bytes = readFileSync(o.filePath)
          later(o, 'readFile', { data: o.encoding ? bytes.toString(o.encoding) : bytes.buffer, ...ok('readFile') })
        } catch (e) {
          later(o, 'readFile', null, String(e))
        }
      },
    }),
  }

  const names = wxApiNames()
  const target: Record<string, unknown> = {}
  for (const name of names) {
    target[name] = name in simulated ? simulated[name] : notSimulated(name)
  }
  for (const name of Object.keys(simulated)) {
    if (!names.has(name)) throw new Error(`wx shim simulates ${name}, which is not a wx API`)
  }
  c.wx = new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol' || prop in t || APP_OWNED.has(prop)) {
        const value = Reflect.get(t, prop, receiver)
        if (typeof value === 'function' && typeof prop === 'string' && names.has(prop)) {
          return (...args: unknown[]) => {
            c.calls.push(prop)
            c.lastCallAt = Date.now()
            return value(...args)
          }
        }
        return value
      }
      deps.problem(`wx.${prop} does not exist in weapp`)
      throw new TypeError(`wx.${prop} does not exist in weapp`)
    },
  })
  return c

  function notSimulated(name: string) {
    return () => {
      deps.problem(`wx.${name} was called; the weapp lane does not simulate it yet (test/weapp/support/wx-shim.ts)`)
      throw new Error(`wx.${name} is not simulated`)
    }
  }
}
