import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { appRoutes, laneBuild, ROOT } from './support/lane-build'

/**
 * What the release build carries besides code: the appid from TARO_APP_ID, the sitemap keeping
 * staff, login and detail pages out of WeChat search, on-demand component injection, no trace of
 * the development server; and the release checks that stop a build with a wrong API base.
 */
jest.setTimeout(60_000)

const prod = laneBuild('production')
const json = (file: string) => JSON.parse(readFileSync(path.join(prod.dir, file), 'utf8'))

it('takes the appid from TARO_APP_ID', () => {
  expect(json('project.config.json').appid).toBe(prod.appId)
})

it('keeps every staff page, the login page, the coupon detail, the account pages and 我的数据 out of WeChat search', () => {
  const app = json('app.json')
  expect(app.sitemapLocation).toBe('sitemap.json')
  expect(app.lazyCodeLoading).toBe('requiredComponents')
  // WeChat asks for the privacy authorisation before phone, photo and clipboard APIs (docs/privacy.md)
  expect(app.__usePrivacyCheck__).toBe(true)
  const rules = json('sitemap.json').rules as { action: string; page: string }[]
  const disallowed = rules.filter((r) => r.action === 'disallow').map((r) => r.page)
  // 账号与安全, 注销账号 and 我的数据 are a signed-in member's own pages: nothing there for search to show
  const accountPages = ['pages/account-security/index', 'pages/account-deletion/index', 'pages/my-data/index']
  const members = ['pages/login/index', 'pages/coupon-detail/index', ...accountPages]
  expect(disallowed.sort()).toEqual([...appRoutes(prod).sub, ...members].sort())
})

it('has no trace of the development server in its code', () => {
  const js = readdirSync(prod.dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))
  const code = js.map((f) => readFileSync(path.join(prod.dir, f), 'utf8')).join('\n')
  expect(code).toContain(prod.apiBase)
  expect(code).not.toContain('127.0.0.1')
})

describe('a release build stops before webpack when', () => {
  const build = (env: Record<string, string>) =>
    spawnSync(path.join(ROOT, 'node_modules/.bin/taro'), ['build', '--type', 'weapp', '--mode', 'production'], {
      cwd: path.join(ROOT, 'miniapp'),
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_ENV: 'production',
        MINIAPP_OUTPUT_ROOT: 'dist/weapp-lane/refused', // never written: the config exits first
        TARO_APP_ID: prod.appId,
        TARO_APP_TPL_CHECKIN: prod.checkinTemplateId,
        TARO_APP_DEV_LOGIN: 'false',
        ...env,
      },
    })

  it('the API base is plain http', () => {
    const r = build({ TARO_APP_API_BASE: 'http://api.mall.example' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('TARO_APP_API_BASE="http://api.mall.example" must be https in a production build')
  })

  it('the API base is empty and dev login is on', () => {
    const r = build({ TARO_APP_API_BASE: '', TARO_APP_DEV_LOGIN: 'true' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('TARO_APP_API_BASE is empty')
    expect(r.stderr).toContain('TARO_APP_DEV_LOGIN=true is only allowed with --mode development')
  })
})
