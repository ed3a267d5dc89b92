import { chmodSync, cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { BUILD_ENV, recordedDevelopmentBuild, sourceFingerprint, taroBuild } from '../../../scripts/weapp-builds'

/**
 * The weapp lane renders builds of its own, made by Taro like any other build, so it never replaces
 * dist/weapp (the one DevTools opens and the bundle budget measures):
 *
 * - production: what ships — https API base, a wx… appid, no dev login. Its base names a host that
 *   does not exist; the wx shim routes that origin to the test server, as DNS would route the real one.
 * - development: what `npm run build:weapp` makes for DevTools (http://127.0.0.1:3000, dev login).
 *
 * Values are passed explicitly (scripts/weapp-builds.js), so a developer's .env.*.local cannot change
 * what the lane proves.
 */
export type LaneMode = 'production' | 'development'

export const ROOT = path.resolve(__dirname, '../../..')
const MINIAPP = path.join(ROOT, 'miniapp')

export interface LaneBuild {
  mode: LaneMode
  dir: string
  apiBase: string
  appId: string
  checkinTemplateId: string
  /** the 商圈会员快速积分 plugin's provider appid the build declares, or '' (none) */
  pointsPluginProvider: string
}

const ENV = BUILD_ENV

export function laneBuild(mode: LaneMode): LaneBuild {
  const env = ENV[mode]
  return {
    mode,
    dir: path.join(MINIAPP, 'dist', 'weapp-lane', mode),
    apiBase: env.TARO_APP_API_BASE!,
    appId: env.TARO_APP_ID!,
    checkinTemplateId: env.TARO_APP_TPL_CHECKIN!,
    pointsPluginProvider: env.TARO_APP_POINTS_PLUGIN_PROVIDER ?? '',
  }
}

/**
 * Builds both lane outputs unless the sources they come from are unchanged since the last build
 * (content hash): a rerun of the lane then starts in seconds. WEAPP_LANE_REBUILD=1 forces a build.
 */
export function ensureLaneBuilds(log: (line: string) => void): void {
  ensureWeappCompiler()
  for (const mode of ['production', 'development'] as const) {
    const build = laneBuild(mode)
    const stamp = path.join(build.dir, '.lane-sources')
    const fingerprint = sourceFingerprint(mode)
    if (process.env.WEAPP_LANE_REBUILD !== '1' && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) {
      log(`weapp lane: ${mode} build is up to date`)
      continue
    }
    const forced = process.env.WEAPP_LANE_REBUILD === '1'
    if (mode === 'development' && !forced && copyRecordedDevelopmentBuild(build.dir)) {
      writeFileSync(stamp, fingerprint)
      log('weapp lane: development build copied from dist/weapp (the test command built it from the same sources)')
      continue
    }
    const started = Date.now()
    const r = taroBuild(mode, build.dir)
    if (r.status !== 0) {
      const tail = `${r.stdout}\n${r.stderr}`
        .split('\n')
        .filter((l) => l.trim())
        .slice(-25)
        .join('\n')
      throw new Error(`weapp lane: taro build --mode ${mode} failed (${r.status})\n${tail}`)
    }
    writeFileSync(stamp, fingerprint)
    log(`weapp lane: built ${mode} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
}

/**
 * npm installs with --ignore-scripts here (scripts/prerequisites.js), and the package ships its Linux
 * WXML compiler without the execute bit: set it, or every render fails with EACCES.
 */
export function ensureWeappCompiler(): void {
  if (process.platform !== 'linux') return
  const dir = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin', 'linux')
  for (const name of ['wcc', 'wcsc']) {
    const file = path.join(dir, name)
    if ((statSync(file).mode & 0o111) !== 0o111) chmodSync(file, 0o755)
  }
}

/** Routes of app.json: main package pages, then subpackage pages with their root. */
export function appRoutes(build: LaneBuild): {
  main: string[]
  sub: string[]
  tabs: string[]
  /** app.json's plugins: the name pages use (plugin://<name>/…) → its provider appid */
  plugins: Map<string, string>
} {
  const app = JSON.parse(readFileSync(path.join(build.dir, 'app.json'), 'utf8')) as {
    pages: string[]
    subPackages?: { root: string; pages: string[] }[]
    tabBar?: { list: { pagePath: string }[] }
    plugins?: Record<string, { provider: string }>
  }
  return {
    main: app.pages,
    sub: (app.subPackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root}/${page}`)),
    tabs: (app.tabBar?.list ?? []).map((t) => t.pagePath),
    plugins: new Map(Object.entries(app.plugins ?? {}).map(([name, p]) => [name, p.provider])),
  }
}

/**
 * The test command has just built the development weapp into dist/weapp from these same values
 * (scripts/weapp-builds.js): when its record still matches the sources and dist/weapp, copy it.
 */
function copyRecordedDevelopmentBuild(dir: string): boolean {
  const recorded = recordedDevelopmentBuild()
  if (!recorded) return false
  rmSync(dir, { recursive: true, force: true })
  cpSync(recorded, dir, { recursive: true })
  return true
}
