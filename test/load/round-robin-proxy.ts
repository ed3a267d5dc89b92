import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small round-robin load balancer for the cluster test: each request goes to the next backend,
 * with the caller's address appended to X-Forwarded-For as a real proxy would (the test names its
 * clients with an `x-test-client` header standing for their addresses). A backend that refuses the
 * connection is skipped for the next one; one that drops the request mid-way gives the client a 502.
 */
export async function startRoundRobinProxy(backends: () => string[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const client = String(req.headers['x-test-client'] ?? req.socket.remoteAddress ?? '')
      const list = backends()
      const tryBackend = (tries: number) => {
        const target = new URL(list[next++ % list.length]!)
        const headers: http.OutgoingHttpHeaders = {
          ...req.headers,
          host: target.host,
          'x-forwarded-for': client,
          'x-forwarded-proto': 'http',
        }
        delete headers['x-test-client']
        const upstream = http.request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers)
            up.pipe(res)
            up.on('error', () => res.destroy())
          },
        )
        upstream.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'ECONNREFUSED' && tries < list.length) return tryBackend(tries + 1)
          if (!res.headersSent) res.writeHead(502).end()
          else res.destroy()
        })
        upstream.end(body)
      }
      tryBackend(1)
    })
  })
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
