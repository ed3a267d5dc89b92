// The compiled server plus one baseline route (findOne by _id through the same Koa + mongoose
// stack), run as its own process so the load generator does not share its event loop.
// Usage: node bench/bench-server.js  (env: MONGODB_URI, DB_NAME, PORT, JWT_SECRET, ...)
const path = require('path')
const Router = require('@koa/router')
const mongoose = require('mongoose')
const { loadConfig } = require('@mall/config')
const dist = path.resolve(__dirname, '../server/dist')
const { createApp } = require(`${dist}/app`)
const { ensureIndexes } = require(`${dist}/app-context`)
const { connectDatabase } = require(`${dist}/db/connect`)
const { createLogger } = require(`${dist}/logger`)
const { createWechatClient } = require(`${dist}/modules/wechat/wechat-client`)
const { memberModels } = require(`${dist}/modules/members/member.model`)

async function main() {
  const config = loadConfig()
  const conn = await connectDatabase(config.db.uri, config.db.name)
  // Database calls made since the last read of this route, by collection and method: what a request
  // costs in round trips (the bench divides by the requests served). Counted with mongoose's debug
  // hook, which every collection call of the server passes: the driver's command monitoring would
  // deserialize every reply in full, a cost production does not have.
  let calls = {}
  mongoose.set('debug', (collection, method) => {
    const key = `${method} ${collection}`
    calls[key] = (calls[key] ?? 0) + 1
  })
  const { app } = createApp({
    config,
    conn,
    wechat: createWechatClient(config.wechat, conn),
    logger: createLogger(config.logLevel),
  })
  const { Member } = memberModels(conn)
  const router = new Router()
  router.get('/api/bench/baseline/:id', async (ctx) => {
    ctx.body = await Member.findOne({ _id: ctx.params.id }).lean().exec()
  })
  router.get('/api/bench/calls', (ctx) => {
    ctx.body = calls
    calls = {}
  })
  // Registered after the app's routers, like any other route: same middleware in front of it.
  app.use(router.routes())
  await ensureIndexes(conn)
  const server = app.listen(config.http.port, '127.0.0.1', () =>
    process.stdout.write(`listening ${server.address().port}\n`),
  )
  process.on('SIGTERM', () => server.close(() => conn.close().then(() => process.exit(0))))
}
main().catch((err) => {
  console.error(err)
  process.exit(1)
})
