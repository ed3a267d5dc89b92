/**
 * What a build bakes into the mini-program, read from Taro's env files (miniapp/.env.<mode>, then
 * .env.<mode>.local, with shell variables winning) and checked before webpack starts: a weapp build
 * with a wrong API base only fails on a phone, where wx.request refuses http and unlisted domains.
 *
 * Only `--mode development` may talk to a plain-http local server and show the demo login; every
 * other mode (production, staging, …) is a release and gets the release checks.
 */
export interface BuildEnv {
  /** '' = same origin (H5 is served by the Koa server); weapp: absolute base without trailing slash */
  apiBase: string
  /** weapp development builds only: the 体验登录 form next to 微信一键登录 */
  devLogin: boolean
  checkinTemplateId: string
}

export class BuildEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`miniapp build configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'BuildEnvError'
  }
}

type Env = Record<string, string | undefined>

const APPID_RE = /^wx[0-9a-f]{16}$/

export function resolveBuildEnv(env: Env, platform: string | undefined, mode: string | undefined): BuildEnv {
  const release = mode !== 'development'
  const checkinTemplateId = (env.TARO_APP_TPL_CHECKIN ?? '').trim()
  if (platform !== 'weapp') {
    // H5 calls its own origin: the server that serves the page is the API.
    return { apiBase: '', devLogin: false, checkinTemplateId: checkinTemplateId || 'checkin-reminder-dev' }
  }
  const problems: string[] = []
  const apiBase = (env.TARO_APP_API_BASE ?? '').trim().replace(/\/+$/, '')
  const devLogin = (env.TARO_APP_DEV_LOGIN ?? '').trim() === 'true'
  const url = parseUrl(apiBase)
  if (!apiBase) problems.push('TARO_APP_API_BASE is empty (wx.request needs an absolute URL)')
  else if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    problems.push(`TARO_APP_API_BASE="${apiBase}" is not an http(s) base URL without query or hash`)
  } else if (release && url.protocol !== 'https:') {
    problems.push(`TARO_APP_API_BASE="${apiBase}" must be https in a ${mode} build (WeChat refuses plain http)`)
  }
  if (release) {
    if (devLogin) problems.push(`TARO_APP_DEV_LOGIN=true is only allowed with --mode development (this is ${mode})`)
    if (!APPID_RE.test(env.TARO_APP_ID ?? '')) {
      problems.push(`TARO_APP_ID="${env.TARO_APP_ID ?? ''}" is not a mini-program appid (wx + 16 hex digits)`)
    }
    if (!checkinTemplateId) {
      problems.push('TARO_APP_TPL_CHECKIN (subscribe-message template for check-in reminders) is empty')
    }
  }
  if (problems.length) throw new BuildEnvError(problems)
  return { apiBase, devLogin: devLogin && !release, checkinTemplateId: checkinTemplateId || 'checkin-reminder-dev' }
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value)
  } catch {
    return null
  }
}
