import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { startTestApi, type TestApi } from '../support/api-harness'
import { migrate, MigrationStuck, type Migration } from '../../server/src/db/migrations'

/**
 * What a mall's IT runs at deploy and on a fresh database (compiled, as in production): the operator
 * CLI instead of the demo seed, index builds, data migrations; and the sweeper that expires transient rows.
 */
const run = promisify(execFile)
const DIST = path.resolve(__dirname, '../../server/dist/cli')
jest.setTimeout(120_000)

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
})
afterAll(() => api.stop())

const cli = (script: string, args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [path.join(DIST, script), ...args], {
    env: { PATH: process.env.PATH ?? '', MONGODB_URI: api.config.db.uri!, DB_NAME: api.config.db.name, ...env },
  })

describe('operator CLI (npm run admin)', () => {
  it('creates the first operator, who can then sign in; a second time it refuses', async () => {
    const { stdout } = await cli('admin.js', ['create-operator', '--username', 'it-admin', '--name', '信息部'], {
      ADMIN_PASSWORD: 'a long enough password',
    })
    expect(stdout).toContain('operator it-admin created')
    const login = await api.http
      .post('/api/staff/auth/login')
      .send({ username: 'it-admin', password: 'a long enough password' })
    expect(login.status).toBe(200)
    expect(login.body.staff).toMatchObject({ role: 'operator', storeId: null })
    await expect(
      cli('admin.js', ['create-operator', '--username', 'it-admin', '--name', '信息部'], {
        ADMIN_PASSWORD: 'another long password',
      }),
    ).rejects.toMatchObject({ code: 1 })
  })

  it('refuses a short password and a missing flag, creating nothing', async () => {
    await expect(
      cli('admin.js', ['create-operator', '--username', 'it-short', '--name', '短'], { ADMIN_PASSWORD: 'short' }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('invalid input') })
    await expect(cli('admin.js', ['create-operator', '--name', '无名'])).rejects.toMatchObject({ code: 64 })
    const login = await api.http.post('/api/staff/auth/login').send({ username: 'it-short', password: 'short' })
    expect(login.status).toBe(401)
  })

  it('creates the mall stores from a file, leaving existing ones as they are', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'stores-')), 'stores.json')
    const store = (id: string, name: string) => ({
      id,
      name,
      floor: 'L1',
      category: '餐饮',
      opensAt: '10:00',
      closesAt: '22:00',
    })
    writeFileSync(file, JSON.stringify([store('CLI1', '一号店'), store('CLI2', '二号店')]))
    expect((await cli('admin.js', ['create-stores', '--file', file])).stdout).toContain('store CLI2 二号店: created')
    expect((await cli('admin.js', ['create-stores', '--file', file])).stdout).toContain('store CLI1: exists')
    const { stdout } = await cli('admin.js', ['list-stores'])
    expect(stdout).toMatch(/CLI1\t一号店/)
    expect(stdout).toMatch(/CLI2\t二号店/)
  })
})

describe('deploy commands', () => {
  it('npm run db:indexes builds every collection’s indexes, and again without harm', async () => {
    const first = await cli('db-indexes.js', [])
    expect(first.stdout).toMatch(/rate_limit_blocks: \d+ index/)
    expect(first.stdout).toMatch(/job_leases: \d+ index/)
    await cli('db-indexes.js', [])
  })

  it('npm run db:migrate applies each migration once', async () => {
    expect((await cli('db-migrate.js', [])).stdout).toMatch(/applied 2026-12-06-01-idempotency-records-dated/)
    expect((await cli('db-migrate.js', [])).stdout).toContain('0 applied now')
  })

  it('migrations: 20 runners at once apply each once; one cut off stops the next deploy until retried', async () => {
    let runs = 0
    const counted: Migration = { id: 'test-001-count', description: 'counts', up: async () => void runs++ }
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => migrate(api.conn, [counted])))
    expect(runs).toBe(1)
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.length === 1)).toHaveLength(1)
    const failing: Migration = {
      id: 'test-002-fails',
      description: 'dies half-way',
      up: async () => {
        throw new Error('cut off')
      },
    }
    await expect(migrate(api.conn, [counted, failing])).rejects.toThrow('cut off')
    await expect(migrate(api.conn, [counted, failing])).rejects.toBeInstanceOf(MigrationStuck)
    const fixed = { ...failing, up: async () => undefined }
    expect(await migrate(api.conn, [counted, fixed], 'test-002-fails')).toEqual(['test-002-fails'])
  })

  it('migrations at boot: 20 instances starting at once wait for the one running it, and all start', async () => {
    let runs = 0
    const slow: Migration = {
      id: 'test-003-slow',
      description: 'takes a while',
      up: async () => {
        runs++
        await new Promise((resolve) => setTimeout(resolve, 500))
      },
    }
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => migrate(api.conn, [slow], undefined, 60_000)),
    )
    expect(runs).toBe(1)
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([])
    // A migration started long ago and never finished is still refused at boot, at once.
    await api.conn.collection('schema_migrations').insertOne({
      _id: 'test-004-stale' as never,
      description: 'cut off an hour ago',
      startedAt: new Date(Date.now() - 3_600_000),
    })
    const stale: Migration = { id: 'test-004-stale', description: 'cut off an hour ago', up: async () => undefined }
    await expect(migrate(api.conn, [stale], undefined, 60_000)).rejects.toBeInstanceOf(MigrationStuck)
  })
})

describe('transient rows expire', () => {
  it(
    'the sweeper deletes idempotency records, rate-limit ' + 'blocks, leases and used codes past their retention',
    async () => {
      const now = new Date('2030-03-01T00:00:00Z')
      const ago = (ms: number) => new Date(now.getTime() - ms)
      const H = 3_600_000
      const rows: [string, Record<string, unknown>, boolean][] = [
        ['idempotency_records', { _id: 'old', createdAt: ago(49 * H) }, false],
        ['idempotency_records', { _id: 'new', createdAt: ago(47 * H) }, true],
        ['rate_limit_blocks', { _id: 'old', expiresAt: ago(1) }, false],
        ['rate_limit_blocks', { _id: 'new', expiresAt: ago(-60_000) }, true],
        ['job_leases', { _id: 'old', expiresAt: ago(1) }, false],
        ['checkin_reminder_sends', { _id: 'old', expiresAt: ago(1) }, false],
        ['used_login_codes', { _id: 'old', at: ago(25 * H) }, false],
        ['used_login_codes', { _id: 'new', at: ago(H) }, true],
        // A spent refresh token stays refused until it would have expired anyway (30 days + a day here).
        ['used_refresh_tokens', { _id: 'old', at: ago(32 * 24 * H) }, false],
        ['used_refresh_tokens', { _id: 'new', at: ago(29 * 24 * H) }, true],
      ]
      for (const [collection, doc] of rows) await api.conn.collection(collection).insertOne(doc as never)
      const deleted = await api.ctx.jobs.sweepTransientRows(now)
      expect(deleted.used_refresh_tokens).toBe(1)
      for (const [collection, doc, kept] of rows) {
        const found = await api.conn.collection(collection).countDocuments({ _id: doc._id as never })
        expect({ collection, id: doc._id, kept: found === 1 }).toEqual({ collection, id: doc._id, kept })
      }
    },
  )
})
