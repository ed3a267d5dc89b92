/**
 * The `@tarojs/taro` mock shared by the page and API-client tests. Use it from a jest.mock
 * factory (which may only reach outside its scope through require):
 *
 *   jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock({ ... }))
 *
 * Every Taro.* API is a jest.fn() the test can inspect or re-stub; page lifecycle hooks listed in
 * `mount` run like mount effects, the other hooks are inert jest.fn()s. Options that close over
 * the test file's own variables must read them lazily (e.g. `storage: () => store`): the factory
 * runs while the file's imports are evaluated, before its top-level consts exist.
 */
export interface TaroMockOptions {
  /** Backing map for get/set/removeStorageSync; default: every key reads a logged-in member session. */
  storage?: () => Map<string, unknown>
  /** Extra or replacement Taro.* APIs (the default export). */
  taro?: Record<string, unknown>
  /** Extra or replacement named exports (hooks, getCurrentInstance, ...). */
  exports?: Record<string, unknown>
  /** Named hooks that run their callback once on mount (useDidShow always does). */
  mount?: string[]
}

export function createTaroMock(options: TaroMockOptions = {}) {
  const { useEffect } = jest.requireActual('react')
  const onMount = (fn: () => void) => useEffect(() => fn(), [])
  const { storage } = options
  const storageApi = storage
    ? {
        getStorageSync: jest.fn((k: string) => storage().get(k) ?? ''),
        setStorageSync: jest.fn((k: string, v: unknown) => storage().set(k, v)),
        removeStorageSync: jest.fn((k: string) => storage().delete(k)),
      }
    : {
        getStorageSync: jest.fn(() => ({ accessToken: 'a', refreshToken: 'refresh-token-a', expiresAt: 0 })),
        setStorageSync: jest.fn(),
        removeStorageSync: jest.fn(),
      }
  const mounted = Object.fromEntries(['useDidShow', ...(options.mount ?? [])].map((name) => [name, onMount]))
  return {
    __esModule: true,
    default: {
      request: jest.fn(),
      ...storageApi,
      stopPullDownRefresh: jest.fn(),
      showToast: jest.fn(async () => {}),
      navigateTo: jest.fn(async () => {}),
      redirectTo: jest.fn(async () => {}),
      reLaunch: jest.fn(async () => {}),
      ...options.taro,
    },
    useDidHide: jest.fn(),
    usePullDownRefresh: jest.fn(),
    useShareTimeline: jest.fn(),
    ...mounted,
    ...options.exports,
  }
}

/**
 * The staff pages' Taro: storage over the test's own map (read lazily, see above), confirmations answered yes,
 * the camera scan stubbed, no router params, useLoad run on mount.
 *
 *   jest.mock('@tarojs/taro', () => require('./support/taro-mock').createStaffTaroMock(() => store))
 */
export function createStaffTaroMock(storage: () => Map<string, unknown>) {
  return createTaroMock({
    storage,
    taro: { showModal: jest.fn(async () => ({ confirm: true })), scanCode: jest.fn() },
    exports: { getCurrentInstance: () => ({ router: { params: {} } }) },
    mount: ['useLoad'],
  })
}
