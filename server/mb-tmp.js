const { mkdtempSync } = require('node:fs'); const os = require('node:os'); const path = require('node:path')
const { MongoClient } = require('mongodb'); const { startDevDb } = require('./dist/db/devdb')
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
async function main() {
  const db = await startDevDb({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'mb-')), fastUnsafe: true, log: () => {} })
  const client = await MongoClient.connect(db.uri)
  const d = client.db('mb'); const c = d.collection('rows')
  await c.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: `m${i}`, nickname: 'x'.repeat(10), tierLevel: 1, phone: null, joinedAt: new Date() })))
  await new Promise((r) => setTimeout(r, 1500))
  const N = 20000, CONC = 16
  const dbcpu = () => { const s = require('fs').readFileSync(`/proc/${db.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(s[11]) + Number(s[12])) * 10 }
  async function measure(name, fn) {
    let i = 0; const t0 = cpu(), d0 = dbcpu(), w0 = Date.now()
    await Promise.all(Array.from({ length: CONC }, async () => { while (i < N) { const k = i++; await fn(`m${(k * 7919) % 6000}`) } }))
    console.log(name.padEnd(20), 'client µs/call', ((cpu() - t0) * 1000 / N).toFixed(1), 'db µs/call', ((dbcpu() - d0) * 1000 / N).toFixed(1), 'wall µs/call', ((Date.now() - w0) * 1000 / N).toFixed(1))
  }
  for (let round = 0; round < 1; round++) {
    await measure('findOne', (id) => c.findOne({ _id: id }))
    await measure('command find', (id) => d.command({ find: 'rows', filter: { _id: id }, limit: 1, singleBatch: true, batchSize: 1 }).then((r) => r.cursor.firstBatch[0] ?? null))
    await measure('find toArray', (id) => c.find({ _id: id }, { limit: 1, batchSize: 1 }).toArray())
  }
  await client.close(); await db.stop()
}
main()
