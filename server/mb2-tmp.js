const { spawn, execSync } = require('node:child_process'); const { mkdtempSync } = require('node:fs'); const os = require('node:os'); const path = require('node:path')
const { MongoClient } = require('mongodb')
async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mb-'))
  const listen = process.env.LISTEN || '127.0.0.1:0'
  const child = spawn('/tmp/devdbp/devdb-prof', ['-listen', listen, '-data-dir', dir, '-log-level', 'error', '-sqlite-params', '_pragma=synchronous(off)'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const uri = await new Promise((r) => child.stdout.once('data', (d) => r(d.toString().trim())))
  const client = await MongoClient.connect(process.env.URI || uri)
  const d = client.db('mb'); const c = d.collection('rows')
  await c.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: `m${i}`, nickname: 'x'.repeat(10), tierLevel: 1, phone: null, joinedAt: new Date() })))
  await new Promise((r) => setTimeout(r, 1500))
  const N = Number(process.env.N || 20000), CONC = 16
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
  const dbcpu = () => { const s = require('fs').readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(s[11]) + Number(s[12])) * 10 }
  async function measure(name, fn) {
    let i = 0; const t0 = cpu(), d0 = dbcpu(), w0 = Date.now()
    await Promise.all(Array.from({ length: CONC }, async () => { while (i < N) { const k = i++; await fn(`m${(k * 7919) % 6000}`) } }))
    console.log(name.padEnd(20), 'client µs/call', ((cpu() - t0) * 1000 / N).toFixed(1), 'db µs/call', ((dbcpu() - d0) * 1000 / N).toFixed(1), 'wall µs/call', ((Date.now() - w0) * 1000 / N).toFixed(1))
  }
  if (process.env.PROF) execSync('true'), setTimeout(() => spawn('sh', ['-c', `curl -s -o /tmp/ferret.prof 'http://127.0.0.1:6061/debug/pprof/profile?seconds=8'`], { stdio: 'inherit' }), 500)
  for (let round = 0; round < Number(process.env.ROUNDS || 2); round++) {
    await measure('findOne', (id) => c.findOne({ _id: id }))
    await measure('command find', (id) => d.command({ find: 'rows', filter: { _id: id }, limit: 1, singleBatch: true, batchSize: 1 }).then((r) => r.cursor.firstBatch[0] ?? null))
  }
  await client.close(); child.kill('SIGTERM')
}
main()
