// Taro weapp builds with explicit values, shared by the test command (scripts/test-all.js builds the
// development weapp into dist/weapp for DevTools and the bundle budget) and the weapp test lane
// (test/weapp/support/lane-build.ts, docs/weapp.md). Both build the development weapp from the same
// values, so the lane copies the test command's build instead of making it again when the record
// written here proves it: the same sources hash, and dist/weapp unchanged since (its content hash).
//
// `node scripts/weapp-builds.js development` builds dist/weapp and writes that record.
const { spawnSync } = require('child_process')
const { createHash } = require('crypto')
const fs = require('fs')
const path = require('path')

const ROOT = path.resolve(__dirname, '..')
const MINIAPP = path.join(ROOT, 'miniapp')
/** where the test command records the development build it made in dist/weapp */
const DEVELOPMENT_RECORD = path.join(MINIAPP, 'dist', 'weapp-development.json')

// Values are passed explicitly, so a developer's .env.*.local cannot change what a build proves.
const BUILD_ENV = {
  production: {
    TARO_APP_API_BASE: 'https://api.weapp-lane.test',
    TARO_APP_ID: 'wx00000000000000a1',
    TARO_APP_TPL_CHECKIN: 'lane-tpl-checkin',
    TARO_APP_DEV_LOGIN: 'false',
    // A mall whose mini-program has WeChat Pay's 商圈会员快速积分 plugin (the appid of WeChat's plugin guide):
    // app.json declares it and the wallet's 去开通 opens plugin://mallPoints/index (docs/wechat-pay.md).
    TARO_APP_POINTS_PLUGIN_PROVIDER: 'wxfab2bf944bfc4da6',
  },
  development: {
    TARO_APP_API_BASE: 'http://127.0.0.1:3000',
    TARO_APP_ID: 'touristappid',
    TARO_APP_TPL_CHECKIN: 'checkin-reminder-dev',
    TARO_APP_DEV_LOGIN: 'true',
  },
}

/** Runs `taro build` for `mode` into `outputDir` (absolute); the spawn result, output captured. */
function taroBuild(mode, outputDir) {
  return spawnSync(path.join(ROOT, 'node_modules/.bin/taro'), ['build', '--type', 'weapp', '--mode', mode], {
    cwd: MINIAPP,
    encoding: 'utf8',
    // NODE_ENV=production as in `npm run build:weapp` (jest sets it to "test", which would not minify).
    env: {
      ...process.env,
      ...BUILD_ENV[mode],
      NODE_ENV: 'production',
      MINIAPP_OUTPUT_ROOT: path.relative(MINIAPP, outputDir),
    },
    maxBuffer: 64 * 1024 * 1024,
  })
}

/** A hash of everything a build of `mode` is made from: its values, sources, config, env files, lockfile. */
function sourceFingerprint(mode) {
  const hash = createHash('sha256').update(JSON.stringify(BUILD_ENV[mode]))
  const inputs = [
    path.join(MINIAPP, 'src'),
    path.join(MINIAPP, 'config'),
    path.join(ROOT, 'shared', 'src'),
    path.join(MINIAPP, 'package.json'),
    path.join(MINIAPP, 'project.config.json'),
    path.join(MINIAPP, 'babel.config.js'),
    path.join(ROOT, 'package-lock.json'),
    ...fs
      .readdirSync(MINIAPP)
      .filter((f) => f.startsWith('.env'))
      .map((f) => path.join(MINIAPP, f)),
  ]
  for (const file of inputs.flatMap(filesUnder).sort()) hash.update(file).update(fs.readFileSync(file))
  return hash.digest('hex')
}

/** A hash of a build's output files (names relative to `dir`, and contents). */
function outputHash(dir) {
  const hash = createHash('sha256')
  for (const file of filesUnder(dir).sort()) hash.update(path.relative(dir, file)).update(fs.readFileSync(file))
  return hash.digest('hex')
}

function filesUnder(p) {
  if (!fs.existsSync(p)) return []
  if (!fs.statSync(p).isDirectory()) return [p]
  return fs.readdirSync(p).flatMap((name) => filesUnder(path.join(p, name)))
}

/** Builds the development weapp into dist/weapp and records what it was built from. */
function buildDevelopmentWeapp() {
  const dir = path.join(MINIAPP, 'dist', 'weapp')
  fs.rmSync(DEVELOPMENT_RECORD, { force: true })
  const sources = sourceFingerprint('development')
  const r = taroBuild('development', dir)
  process.stdout.write(r.stdout ?? '')
  process.stderr.write(r.stderr ?? '')
  if (r.status !== 0) return r.status ?? 1
  fs.writeFileSync(DEVELOPMENT_RECORD, JSON.stringify({ sources, output: outputHash(dir) }))
  return 0
}

/**
 * The development build in dist/weapp when the test command made it from exactly what a build now would
 * use (same sources hash) and nothing has written dist/weapp since (same content hash); otherwise null.
 */
function recordedDevelopmentBuild() {
  if (!fs.existsSync(DEVELOPMENT_RECORD)) return null
  const dir = path.join(MINIAPP, 'dist', 'weapp')
  const record = JSON.parse(fs.readFileSync(DEVELOPMENT_RECORD, 'utf8'))
  if (record.sources !== sourceFingerprint('development') || record.output !== outputHash(dir)) return null
  return dir
}

module.exports = { BUILD_ENV, taroBuild, sourceFingerprint, outputHash, recordedDevelopmentBuild }

if (require.main === module) {
  if (process.argv[2] !== 'development') {
    console.error('usage: node scripts/weapp-builds.js development')
    process.exit(2)
  }
  process.exit(buildDevelopmentWeapp())
}
