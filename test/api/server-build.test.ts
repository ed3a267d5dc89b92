import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

const MAIN = path.resolve(__dirname, '../../server/dist/main.js')

/** The production entry point runs from compiled output, including its imports of shared/ and config/. */
function runServer(
  env: Record<string, string>,
): Promise<{ url: string | null; output: string; exitCode: number | null; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve) => {
    const done = (url: string | null) =>
      resolve({
        url,
        output,
        exitCode: child.exitCode,
        stop: () =>
          new Promise<void>((r) =>
            child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')),
          ),
      })
    const onData = (d: Buffer) => {
      output += d.toString()
      const match = /Open:\s+(http:\/\/\S+)/.exec(output)
      if (match) done(match[1]!)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', () => done(null))
  })
}

describe('compiled server (server/dist)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error('server/dist/main.js missing: the test command builds it first (tsc -b)')
  })

  it('starts from its build output and answers', async () => {
    const server = await runServer({
      MONGODB_URI: process.env.MONGODB_URI!,
      DB_NAME: `t_${randomBytes(5).toString('hex')}`,
      PORT: '0',
      LOG_LEVEL: 'warn',
    })
    try {
      expect(server.url).not.toBeNull()
      const res = await fetch(new URL('api/health', server.url!))
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ ok: true })
    } finally {
      await server.stop()
    }
  })

  it('refuses to start with a clear message on bad configuration', async () => {
    const server = await runServer({ NODE_ENV: 'production', DEV_LOGIN: 'true' })
    expect(server.url).toBeNull()
    expect(server.exitCode).toBe(78)
    expect(server.output).toMatch(/Invalid configuration/)
    expect(server.output).toMatch(/DEV_LOGIN: dev login cannot be enabled in production/)
  })
})
