import { JSDOM } from 'jsdom'

/**
 * The render side of the simulator (j-component on exparser) builds real DOM nodes, so it needs a
 * document. The mini-program's own code runs in the same realm here, unlike on a phone where it has
 * no window or document at all; `watchDomAccess` reports when the app's code touches them.
 */
const DOM_GLOBALS = [
  'Element',
  'HTMLElement',
  'Node',
  'Text',
  'Event',
  'CustomEvent',
  'MouseEvent',
  'DocumentFragment',
  'getComputedStyle',
]

export function installDom(): JSDOM {
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { url: 'https://servicewechat.com/' })
  const g = globalThis as Record<string, unknown>
  g.window = dom.window
  g.document = dom.window.document
  // Node has Event/CustomEvent of its own; exparser must get jsdom's or its events never dispatch.
  for (const key of DOM_GLOBALS) g[key] = (dom.window as unknown as Record<string, unknown>)[key]
  // The official WXML compiler's output reads this to pick its runtime version.
  ;(dom.window as unknown as Record<string, unknown>).__webview_engine_version__ = 0.02
  return dom
}

/**
 * Reports reads of `window`/`document` made by the built mini-program's own code (the frame that
 * did the read, not code further up the stack): on a phone they are undefined there, so such code
 * works here and throws in WeChat. Taro's runtime (taro.js) is exempt for `window` only: its BOM
 * shim copies every global into its own window object, which on a phone finds no `window` to copy.
 */
export function watchDomAccess(buildDir: string, report: (message: string) => void): void {
  const g = globalThis as Record<string, unknown>
  for (const key of ['window', 'document']) {
    const value = g[key]
    Object.defineProperty(g, key, {
      configurable: true,
      get() {
        // [0] "Error", [1] this getter, [2] the code that read the global
        const reader = new Error().stack?.split('\n')[2] ?? ''
        const exempt = key === 'window' && reader.includes(`${buildDir}/taro.js`)
        if (reader.includes(buildDir) && !exempt) {
          report(`the mini-program read \`${key}\`, which does not exist in WeChat (${reader.trim()})`)
        }
        return value
      },
    })
  }
}
