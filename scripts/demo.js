#!/usr/bin/env node
// The one run command (README): install, build, start API + H5 on the embedded database with demo data.
const { ensureNodeModules, onProjectNode, ensureGo, run } = require('./prerequisites')

if (!ensureNodeModules() || !ensureGo()) process.exit(1)
onProjectNode()
for (const script of ['build:server', 'build:h5', 'build:admin']) {
  if (!run('npm', ['run', script])) process.exit(1)
}
run('node', ['server/dist/main.js', '--demo', ...process.argv.slice(2)])
