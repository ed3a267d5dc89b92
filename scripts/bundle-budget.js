#!/usr/bin/env node
// Bundle budget after the weapp build: main package ≤ 1.2 MB, each subpackage ≤ 1.5 MB, no single
// file over 200 KB (WeChat's hard limit is 2 MB per package). Prints the sizes; exit 1 if over.
// Also prints the H5 initial JS (the scripts index.html loads) raw and gzipped.
const fs = require('fs')
const path = require('path')
const zlib = require('zlib')

const root = path.resolve(__dirname, '..')
const weapp = path.join(root, 'miniapp/dist/weapp')
const h5 = path.join(root, 'miniapp/dist/h5')
const LIMITS = { main: 1.2 * 1024 * 1024, subpackage: 1.5 * 1024 * 1024, file: 200 * 1024 }

function files(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`

if (!fs.existsSync(path.join(weapp, 'app.json'))) {
  console.error('weapp build missing (npm run build:weapp)')
  process.exit(1)
}
const app = JSON.parse(fs.readFileSync(path.join(weapp, 'app.json'), 'utf8'))
const subRoots = (app.subPackages || app.subpackages || []).map((s) => s.root.replace(/\/$/, ''))
const all = files(weapp).filter((f) => !f.endsWith('project.config.json'))
const packages = { main: [] }
for (const f of all) {
  const rel = path.relative(weapp, f)
  const sub = subRoots.find((r) => rel === r || rel.startsWith(`${r}/`))
  ;(packages[sub || 'main'] ||= []).push(f)
}
const problems = []
console.log('weapp package sizes:')
for (const [name, list] of Object.entries(packages)) {
  const size = list.reduce((s, f) => s + fs.statSync(f).size, 0)
  const limit = name === 'main' ? LIMITS.main : LIMITS.subpackage
  console.log(`  ${name.padEnd(12)} ${kb(size).padStart(10)}  (limit ${kb(limit)})`)
  if (size > limit) problems.push(`${name} package ${kb(size)} > ${kb(limit)}`)
}
const largest = all.map((f) => [path.relative(weapp, f), fs.statSync(f).size]).sort((a, b) => b[1] - a[1])
console.log(
  '  largest files:',
  largest
    .slice(0, 4)
    .map(([f, s]) => `${f} ${kb(s)}`)
    .join(', '),
)
for (const [f, s] of largest) if (s > LIMITS.file) problems.push(`${f} ${kb(s)} > ${kb(LIMITS.file)}`)

if (fs.existsSync(path.join(h5, 'index.html'))) {
  const html = fs.readFileSync(path.join(h5, 'index.html'), 'utf8')
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => path.join(h5, m[1].replace(/^\//, '')))
  const raw = scripts.reduce((s, f) => s + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0)
  const gz = scripts.reduce((s, f) => s + (fs.existsSync(f) ? zlib.gzipSync(fs.readFileSync(f)).length : 0), 0)
  console.log(`H5 initial JS: ${kb(raw)} (${kb(gz)} gzip) in ${scripts.length} files`)
}
if (problems.length) {
  console.error(`bundle budget exceeded:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log('bundle budget: ok')
