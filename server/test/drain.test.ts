import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { drain, trackInFlight } from '../src/http/drain'

/** Graceful stop: requests being answered finish, new connections are refused, stragglers are cut off. */
async function slowServer(delayMs: number) {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('done'), delayMs).unref()
  })
  const inFlight = trackInFlight(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return { server, inFlight, url }
}

it('lets in-flight requests finish, refuses new connections, and ends within the timeout', async () => {
  const { server, inFlight, url } = await slowServer(300)
  const agent = new http.Agent({ keepAlive: true })
  const get = () =>
    new Promise<string>((resolve, reject) =>
      http
        .get(url, { agent }, (res) => {
          let body = ''
          res.on('data', (d) => (body += d))
          res.on('end', () => resolve(body))
        })
        .on('error', reject),
    )
  const pending = Array.from({ length: 5 }, get)
  await new Promise((r) => setTimeout(r, 50))
  expect(inFlight.count()).toBe(5)
  const started = Date.now()
  const draining = drain(server, inFlight, 5_000)
  await new Promise((r) => setTimeout(r, 20))
  await expect(fetch(url)).rejects.toThrow() // no longer accepting
  expect(await Promise.all(pending)).toEqual(['done', 'done', 'done', 'done', 'done'])
  expect(await draining).toBe(0)
  expect(Date.now() - started).toBeLessThan(2_000) // did not sit out the timeout on idle keep-alive sockets
  agent.destroy()
})

it('cuts off what is still running at the timeout', async () => {
  const { server, inFlight, url } = await slowServer(10_000)
  const pending = fetch(url).catch(() => 'cut off')
  await new Promise((r) => setTimeout(r, 50))
  const started = Date.now()
  expect(await drain(server, inFlight, 300)).toBe(1)
  expect(Date.now() - started).toBeLessThan(1_500)
  expect(await pending).toBe('cut off')
})
