import http from 'node:http'
import { startTestApi, type TestApi } from '../support/api-harness'

/**
 * An idle keep-alive connection outlives a client's own idle timeout (Node's fetch: about 4 s), so the
 * client reusing it never meets a socket the server has just closed (ECONNRESET mid-request under load).
 */
let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

function get(agent: http.Agent, url: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/health/live`, { agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }))
    })
    req.on('error', reject)
  })
}

it('keeps an idle connection open past 6 s, longer than clients keep theirs', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  try {
    expect(await get(agent, api.url)).toEqual({ status: 200, reused: false })
    await new Promise((r) => setTimeout(r, 6_000))
    expect(await get(agent, api.url)).toEqual({ status: 200, reused: true })
  } finally {
    agent.destroy()
  }
})
