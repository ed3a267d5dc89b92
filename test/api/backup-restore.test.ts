import { cpSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Connection } from 'mongoose'
import { connectDatabase } from '../../server/src/db/connect'
import { startDevDb, type DevDb } from '../../server/src/db/devdb'
import { replayCheck } from '../../server/src/jobs/replay-check'
import { LedgerService } from '../../server/src/modules/ledger/ledger.service'
import { MemberRepo } from '../../server/src/modules/members/member.repo'
import { MemberService } from '../../server/src/modules/members/member.service'

/**
 * docs/operations.md, backup and restore of the embedded database: stop it, copy its data directory,
 * start it again; a restore is the copy started as the data directory. The restored database holds
 * exactly what was there at the backup, and every wallet replays.
 */
jest.setTimeout(60_000)
const DB = 'backup_test'
const dirs = { live: '', backup: '' }
let live: DevDb
let restored: DevDb | null = null
const conns: Connection[] = []

beforeAll(() => {
  dirs.live = mkdtempSync(path.join(os.tmpdir(), 'mall-live-'))
  dirs.backup = path.join(mkdtempSync(path.join(os.tmpdir(), 'mall-backup-')), 'data')
})
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => undefined)))
  await live?.stop()
  await restored?.stop()
})

async function open(db: DevDb): Promise<{ conn: Connection; members: MemberService; ledger: LedgerService }> {
  const conn = await connectDatabase(db.uri, DB)
  conns.push(conn)
  const repo = new MemberRepo(conn)
  const ledger = new LedgerService(conn, repo)
  const members = new MemberService(repo, ledger, [
    (member, input) =>
      ledger
        .post({
          memberId: member._id,
          eventKey: `welcome:${member._id}`,
          type: 'welcome',
          now: input.now,
          plan: () => ({ op: { kind: 'credit', points: 100, earnedMonth: '2026-12', expiryMonths: 12 }, meta: {} }),
        })
        .then(() => undefined),
  ])
  return { conn, members, ledger }
}

const register = (members: MemberService, name: string) =>
  members.findOrRegister({ identity: `dev:${name}`, nickname: name, channel: 'dev', now: new Date() })

it('a stopped copy of the data directory restores exactly what was there', async () => {
  live = await startDevDb({ dataDir: dirs.live })
  let app = await open(live)
  for (let i = 0; i < 5; i++) await register(app.members, `before-${i}`)
  const before = await app.conn.collection('members').countDocuments()
  const entriesBefore = await app.conn.collection('ledger_entries').countDocuments()
  expect(before).toBe(5)

  // Backup: stop the database (the server with it), copy the directory, start again.
  await app.conn.close()
  await live.stop()
  cpSync(dirs.live, dirs.backup, { recursive: true })
  live = await startDevDb({ dataDir: dirs.live })
  app = await open(live)
  for (let i = 0; i < 3; i++) await register(app.members, `after-${i}`)
  expect(await app.conn.collection('members').countDocuments()).toBe(8)

  // Restore: the copy started as a data directory of its own.
  restored = await startDevDb({ dataDir: dirs.backup })
  const back = await open(restored)
  expect(await back.conn.collection('members').countDocuments()).toBe(before)
  expect(await back.conn.collection('ledger_entries').countDocuments()).toBe(entriesBefore)
  expect((await replayCheck(back.ledger)).differences).toEqual([])
})
