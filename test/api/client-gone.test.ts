import { mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startTestApi, type TestApi } from '../support/api-harness'

// A browser that navigates away mid-download closes the response early. That is routine: it is logged as a
// client going away (debug), never as an error on the console or in the log.
let api: TestApi
const dist = mkdtempSync(path.join(tmpdir(), 'h5-client-gone-'))
beforeAll(async () => {
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>h5</title>')
  writeFileSync(path.join(dist, 'big.js'), 'x'.repeat(8 * 1024 * 1024))
  api = await startTestApi({ H5_DIST_DIR: dist })
})
afterAll(() => api.stop())

/** Reads the first chunk of a static file, then drops the connection. */
const abandonDownload = (url: string) =>
  new Promise<void>((resolve, reject) => {
    const req = request(url, (res) => {
      res.once('data', () => {
        req.destroy()
        resolve()
      })
    })
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)))
    req.end()
  })

it('a static file abandoned mid-download is a debug line, not a console or log error', async () => {
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined)
  try {
    for (let i = 0; i < 5; i++) await abandonDownload(`${api.url}/big.js`)
    const logged = () => api.logs.filter((l) => l.includes('client closed the response'))
    // One or two lines per download (the socket's reset and the stream's premature close).
    const downloads = () => new Set(logged().map((l) => JSON.parse(l).requestId)).size
    for (let waited = 0; downloads() < 5 && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
    expect(downloads()).toBe(5)
    expect(logged().every((l) => JSON.parse(l).level === 20)).toBe(true) // pino's debug
    expect(api.logs.filter((l) => JSON.parse(l).level >= 50)).toEqual([])
    expect(consoleError).not.toHaveBeenCalled()
  } finally {
    consoleError.mockRestore()
  }
})
