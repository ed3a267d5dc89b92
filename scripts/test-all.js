#!/usr/bin/env node
// The one test command (README): type-check and build everything the tests exercise, then run
// every jest project (unit, API on the embedded database, H5 end-to-end in Chromium, the weapp build
// rendered against the API — it builds its own release output and copies the development build made here,
// docs/weapp.md —,
// mini-program) and finish with the plain `N passed, N failed` line.
const { spawnSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const { ensureNodeModules, onProjectNode, ensureChromium, ensureTesseract, ensureGo, root } = require('./prerequisites')

if (!ensureNodeModules() || !ensureGo()) {
  console.log('0 passed, 1 failed')
  process.exit(1)
}
onProjectNode()
console.log(`Node ${process.versions.node}`)
if (!ensureChromium()) console.log('chromium could not be installed: the end-to-end tests will fail')
if (!ensureTesseract())
  console.log('tesseract could not be installed: receipt photos are read by hand (no OCR prefill)')
const resultsFile = path.join(root, 'test-results', 'jest-results.json')
fs.mkdirSync(path.dirname(resultsFile), { recursive: true })
fs.rmSync(resultsFile, { force: true })

function step(label, cmd, args) {
  const started = Date.now()
  process.stdout.write(`\n▶ ${label}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(`  ${label}: ${r.status === 0 ? 'ok' : `FAILED (${r.status})`} in ${seconds} s\n`)
  return r.status === 0
}

const steps = [
  ['type-check and build server, shared, config', 'npx', ['tsc', '-b']],
  ['type-check tests', 'npx', ['tsc', '-p', 'test']],
  ['type-check mini-program', 'npm', ['run', 'typecheck', '-w', '@mall/miniapp']],
  ['build H5 (served by the server in end-to-end tests)', 'npm', ['run', 'build:h5']],
  // The development values of `npm run build:weapp`, passed explicitly and recorded, so the weapp lane
  // copies this build instead of making the same one again (scripts/weapp-builds.js).
  ['build weapp (development mode: DevTools, bundle budget)', 'node', ['scripts/weapp-builds.js', 'development']],
  ['type-check and build the operator console', 'sh', ['-c', 'npx tsc -p admin/tsconfig.json && node admin/build.js']],
  [
    'lint (ESLint) and format (Prettier) of the whole tree',
    'sh',
    ['-c', 'npx eslint . && npx prettier --check . --log-level warn'],
  ],
  ['bundle budget (weapp main ≤ 1.2 MB, subpackages ≤ 1.5 MB, files ≤ 200 KB)', 'node', ['scripts/bundle-budget.js']],
]
let buildFailures = 0
for (const [label, cmd, args] of steps) if (!step(label, cmd, args)) buildFailures++

const extra = process.argv.slice(2)
const jestOk = step('jest (all projects)', 'npx', ['jest', '--ci', '--json', `--outputFile=${resultsFile}`, ...extra])
// After jest: its global setup has built the embedded database, so Go's module cache is filled.
if (!step('embedded database helpers (go test)', 'sh', ['-c', 'cd server/devdb && go test ./lazylog/'])) buildFailures++

let passed = 0
let failed = buildFailures
let skipped = 0
if (fs.existsSync(resultsFile)) {
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'))
  passed = r.numPassedTests
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites
  skipped = r.numPendingTests + r.numTodoTests
} else {
  failed += 1
}
if (!jestOk && failed === 0) failed = 1 // jest failed without a failing test (e.g. global setup)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 ? 0 : 1)
