#!/usr/bin/env node
/**
 * Builds the operators' console into admin/dist: index.html, app.js, app.css (minified).
 * Served by the Koa server at /admin/ (relative asset URLs, so any mount path works).
 *   node admin/build.js            production build
 *   node admin/build.js --watch    rebuild on change (not minified)
 */
'use strict'
const path = require('node:path')
const fs = require('node:fs')
const crypto = require('node:crypto')
const esbuild = require('esbuild')

const root = __dirname
const dist = path.join(root, 'dist')
const watch = process.argv.includes('--watch')

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { app: path.join(root, 'src/main.tsx') },
  outdir: dist,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020', 'chrome87', 'safari14', 'firefox78'],
  jsx: 'automatic',
  minify: !watch,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  alias: { '@mall/shared': path.join(root, '../shared/src/index.ts') },
  define: { 'process.env.NODE_ENV': watch ? '"development"' : '"production"' },
  logLevel: 'info',
}

function writeHtml() {
  const hash = crypto.createHash('sha256')
  for (const f of ['app.js', 'app.css'])
    if (fs.existsSync(path.join(dist, f))) hash.update(fs.readFileSync(path.join(dist, f)))
  const html = fs
    .readFileSync(path.join(root, 'index.html'), 'utf8')
    .replaceAll('__HASH__', hash.digest('hex').slice(0, 10))
  fs.writeFileSync(path.join(dist, 'index.html'), html)
}

async function main() {
  fs.rmSync(dist, { recursive: true, force: true })
  fs.mkdirSync(dist, { recursive: true })
  if (watch) {
    const ctx = await esbuild.context({ ...options, plugins: [{ name: 'html', setup: (b) => b.onEnd(writeHtml) }] })
    await ctx.watch()
    return
  }
  await esbuild.build(options)
  writeHtml()
  for (const f of fs.readdirSync(dist)) {
    const size = fs.statSync(path.join(dist, f)).size
    console.log(`${path.relative(process.cwd(), path.join(dist, f))}  ${(size / 1024).toFixed(1)} KiB`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
