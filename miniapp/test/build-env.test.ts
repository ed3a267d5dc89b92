import { BuildEnvError, resolveBuildEnv } from '../config/build-env'

const release = {
  TARO_APP_API_BASE: 'https://api.mall.example/',
  TARO_APP_ID: 'wx0123456789abcdef',
  TARO_APP_TPL_CHECKIN: 'tpl-1',
}
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn()
  } catch (e) {
    if (e instanceof BuildEnvError) return e.problems
    throw e
  }
  return []
}

describe('resolveBuildEnv', () => {
  it('H5 always calls its own origin and has no release checks', () => {
    expect(resolveBuildEnv({}, 'h5', 'production')).toEqual({
      apiBase: '',
      devLogin: false,
      checkinTemplateId: 'checkin-reminder-dev',
    })
  })

  it('a release weapp build takes an https base (trailing slash dropped), never dev login', () => {
    expect(resolveBuildEnv({ ...release, TARO_APP_DEV_LOGIN: 'false' }, 'weapp', 'production')).toEqual({
      apiBase: 'https://api.mall.example',
      devLogin: false,
      checkinTemplateId: 'tpl-1',
    })
  })

  it('a release weapp build lists every problem at once', () => {
    const env = { TARO_APP_API_BASE: 'http://x.example', TARO_APP_DEV_LOGIN: 'true' }
    expect(problemsOf(() => resolveBuildEnv(env, 'weapp', 'production'))).toEqual([
      'TARO_APP_API_BASE="http://x.example" must be https in a production build (WeChat refuses plain http)',
      'TARO_APP_DEV_LOGIN=true is only allowed with --mode development (this is production)',
      'TARO_APP_ID="" is not a mini-program appid (wx + 16 hex digits)',
      'TARO_APP_TPL_CHECKIN (subscribe-message template for check-in reminders) is empty',
    ])
  })

  it('any mode but development is a release (staging too)', () => {
    const env = { ...release, TARO_APP_API_BASE: 'http://x.example' }
    expect(problemsOf(() => resolveBuildEnv(env, 'weapp', 'staging'))).toHaveLength(1)
  })

  it('development allows a plain-http local server and the dev login', () => {
    const env = { TARO_APP_API_BASE: 'http://127.0.0.1:3000', TARO_APP_DEV_LOGIN: 'true', TARO_APP_ID: 'touristappid' }
    expect(resolveBuildEnv(env, 'weapp', 'development')).toEqual({
      apiBase: 'http://127.0.0.1:3000',
      devLogin: true,
      checkinTemplateId: 'checkin-reminder-dev',
    })
  })

  it('weapp needs an absolute base in every mode', () => {
    expect(problemsOf(() => resolveBuildEnv({ TARO_APP_API_BASE: '' }, 'weapp', 'development'))).toEqual([
      'TARO_APP_API_BASE is empty (wx.request needs an absolute URL)',
    ])
    expect(problemsOf(() => resolveBuildEnv({ TARO_APP_API_BASE: '/api' }, 'weapp', 'development'))).toHaveLength(1)
  })
})
