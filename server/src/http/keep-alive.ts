import type { Server } from 'node:http'
import type Koa from 'koa'

/**
 * How long an idle keep-alive connection stays open: longer than any client's or proxy's own idle timeout
 * (Node's fetch keeps idle sockets about 4 s, load balancers typically 60 s), so the server is never the
 * side that closes a socket its client is just reusing — the client would get ECONNRESET for a request the
 * server never read, and could not tell whether to retry it. Node's default (5 s) races fetch's under load.
 */
export const KEEP_ALIVE_IDLE_MS = 65_000

/** The app listening (the server and the test harness both start it here). */
export function listen(app: Koa, port: number, host: string): Server {
  const server = app.listen(port, host)
  server.keepAliveTimeout = KEEP_ALIVE_IDLE_MS
  // a request's headers on a kept connection may arrive up to the idle timeout later
  server.headersTimeout = KEEP_ALIVE_IDLE_MS + 1_000
  return server
}
