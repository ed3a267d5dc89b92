import { staffModel } from '../../server/src/modules/staff/staff.model'
import { bearer, startTestApi, type TestApi } from '../support/api-harness'
import { award, scan, withoutMemberDay } from '../support/points-helpers'

let api: TestApi
let clerk: string
let clerk2: string
let manager: string
let operator: string

beforeAll(async () => {
  api = await startTestApi()
  // Today's operations, store totals and repeat-member counts are per Shanghai day and the tills' caps
  // per hour: the file's tests (scans move the clock 30 s each) run within the hour from its start.
  // (Not re-anchored per test: a jump would expire the sessions logged in here.) The amounts checked
  // are without the member day's double points.
  api.clock.runFromStartOfHour()
  await withoutMemberDay(api)
  await api.addStore('W1')
  await api.addStore('W2')
  clerk = (await api.loginStaff('ws-clerk', 'clerk', 'W1')).accessToken
  clerk2 = (await api.loginStaff('ws-clerk2', 'clerk', 'W1')).accessToken
  manager = (await api.loginStaff('ws-manager', 'manager', 'W1')).accessToken
  operator = (await api.loginStaff('ws-operator', 'operator', null)).accessToken
})
afterAll(() => api.stop())

describe('staff login', () => {
  it('locks the account after 5 failed attempts, even for the right password, for 15 minutes', async () => {
    await api.loginStaff('lock-me', 'clerk', 'W1')
    for (let i = 0; i < 5; i++) {
      const res = await api.http.post('/api/staff/auth/login').send({ username: 'lock-me', password: 'wrong password' })
      expect(res.body.error.code).toBe('AUTH.BAD_CREDENTIALS')
    }
    const locked = await api.http
      .post('/api/staff/auth/login')
      .send({ username: 'lock-me', password: 'correct horse battery' })
    expect(locked.status).toBe(423)
    expect(locked.body.error.code).toBe('AUTH.LOCKED')
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800)
    api.clock.advance(16 * 60_000)
    try {
      const ok = await api.http
        .post('/api/staff/auth/login')
        .send({ username: 'lock-me', password: 'correct horse battery' })
      expect(ok.status).toBe(200)
      expect(ok.body.staff).toMatchObject({ username: 'lock-me', role: 'clerk', storeId: 'W1' })
      expect(JSON.stringify(ok.body)).not.toContain('passwordHash')
    } finally {
      api.clock.advance(-16 * 60_000)
    }
  })

  it('answers an unknown user like a wrong password', async () => {
    const res = await api.http.post('/api/staff/auth/login').send({ username: 'nobody-here', password: 'x' })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('AUTH.BAD_CREDENTIALS')
  })
})

describe('workspace views', () => {
  it("lists today's operations (own for clerks, whole store for managers), approvals and store totals", async () => {
    const m = await api.loginMember('ws-member')
    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'WS-1', amountFen: 123_45 })
    await award(api, clerk2, { scanToken: await scan(api, m, clerk2), receiptNo: 'WS-2', amountFen: 500_00 })
    // needs approval
    await award(api, clerk2, { scanToken: await scan(api, m, clerk2), receiptNo: 'WS-3', amountFen: 20_000_00 })

    await staffModel(api.conn).updateOne({ _id: 'ws-clerk' }, { $set: { displayName: '王小明' } })
    const mine = await api.http.get('/api/staff/operations/today').set(bearer(clerk))
    expect(mine.body.items.map((o: { ref: string }) => o.ref)).toEqual(['WS-1'])
    expect(mine.body.items[0].undoableUntil).toEqual(expect.any(String))
    expect(mine.body.items[0]).toMatchObject({ staffId: 'ws-clerk', staffName: '王小明' }) // a name on screen, not an id
    const store = await api.http.get('/api/staff/operations/today').set(bearer(manager))
    expect(store.body.items.map((o: { ref: string }) => o.ref).sort()).toEqual(['WS-1', 'WS-2', 'WS-3'])
    expect(store.body.items.find((o: { ref: string }) => o.ref === 'WS-2').flags).toContain('round_amount')

    const pending = await api.http.get('/api/staff/purchases/pending').set(bearer(manager))
    expect(pending.body.items.map((p: { receiptNo: string }) => p.receiptNo)).toEqual(['WS-3'])
    // the approvals list names the member and the clerk, and shows the points the purchase is expected to earn
    expect(pending.body.items[0]).toMatchObject({
      memberName: 'w***r',
      staffName: 'ws-clerk2',
      amountFen: 20_000_00,
    })
    expect(pending.body.items[0].points).toBeGreaterThan(0)
    expect((await api.http.get('/api/staff/purchases/pending').set(bearer(clerk))).status).toBe(403)

    const totals = await api.http.get('/api/staff/store/daily').set(bearer(manager))
    expect(totals.body).toMatchObject({
      storeId: 'W1',
      purchases: 2,
      amountFen: 623_45,
      points: 623,
      pendingApprovals: 1,
    })
    // the per-staff table shows names (王小明), not account ids
    expect(totals.body.byStaff).toContainEqual(expect.objectContaining({ staffId: 'ws-clerk', staffName: '王小明' }))
    expect((await api.http.get('/api/staff/store/daily?storeId=W2').set(bearer(manager))).status).toBe(403)
    expect((await api.http.get('/api/staff/store/daily?storeId=W1').set(bearer(operator))).status).toBe(200)
  })

  it('flags the same member awarded again and again by the same staff member', async () => {
    const m = await api.loginMember('ws-repeat')
    const flags: string[][] = []
    for (let i = 0; i < 3; i++) {
      await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: `REP-${i}`, amountFen: 10_00 + i })
      const ops = await api.http.get('/api/staff/operations/today').set(bearer(clerk))
      flags.push(ops.body.items.find((o: { ref: string }) => o.ref === `REP-${i}`).flags)
    }
    expect(flags).toEqual([[], [], ['repeat_member']])
  })

  it('takes nothing from the till caps or the member counts for a refused receipt', async () => {
    // Two receipts of 50.00 fill an hour; the member's visit rows must stay as they were.
    await api.ctx.services.rules.replace({ earning: { staffHourlyCapFen: 100_00 } })
    try {
      const visits = async () =>
        api.conn
          .db!.collection('daily_totals')
          .find({ _id: { $regex: '^ws-dup-.*:m' } } as never)
          .sort({ _id: 1 })
          .toArray()
      const [a, b] = [
        (await api.loginStaff('ws-dup-a', 'manager', 'W1')).accessToken,
        (await api.loginStaff('ws-dup-b', 'manager', 'W1')).accessToken,
      ]
      const [m1, m2] = [await api.loginMember('ws-dup-m1'), await api.loginMember('ws-dup-m2')]
      expect(
        (await award(api, a, { scanToken: await scan(api, m1, a), receiptNo: 'DUP-1', amountFen: 50_00 })).status,
      ).toBe(200)
      const before = await visits()
      // The same receipt for another member, from the till that recorded it and from one with no receipts today.
      for (const till of [a, b]) {
        const refused = await award(api, till, {
          scanToken: await scan(api, m2, till),
          receiptNo: 'DUP-1',
          amountFen: 50_00,
        })
        expect(refused.body.error.code).toBe('PURCHASE.RECEIPT_USED')
      }
      expect(await visits()).toEqual(before)
      // Both tills still have what the refused receipts would have taken, and not a fen more.
      expect(
        (await award(api, a, { scanToken: await scan(api, m1, a), receiptNo: 'DUP-2', amountFen: 50_00 })).status,
      ).toBe(200)
      expect(
        (await award(api, b, { scanToken: await scan(api, m2, b), receiptNo: 'DUP-3', amountFen: 100_00 })).status,
      ).toBe(200)
      for (const till of [a, b]) {
        const over = await award(api, till, {
          scanToken: await scan(api, m1, till),
          receiptNo: `DUP-4${till === a ? 'a' : 'b'}`,
          amountFen: 1,
        })
        expect(over.body.error.code).toBe('PURCHASE.STAFF_CAP_REACHED')
      }
    } finally {
      await api.ctx.services.rules.replace({ earning: { staffHourlyCapFen: 50_000_00 } })
    }
  })

  it('stops a clerk at the hourly award cap', async () => {
    await api.ctx.services.rules.replace({ earning: { staffHourlyCapFen: 1_000_00 } })
    try {
      const capped = (await api.loginStaff('ws-capped', 'clerk', 'W1')).accessToken
      const m = await api.loginMember('ws-cap-member')
      expect(
        (await award(api, capped, { scanToken: await scan(api, m, capped), receiptNo: 'CAP-1', amountFen: 900_00 }))
          .status,
      ).toBe(200)
      const over = await award(api, capped, {
        scanToken: await scan(api, m, capped),
        receiptNo: 'CAP-2',
        amountFen: 200_00,
      })
      expect(over.status).toBe(422)
      expect(over.body.error.code).toBe('PURCHASE.STAFF_CAP_REACHED')
      // The refused receipt is not counted: what is left of the hour still fits.
      expect(
        (await award(api, capped, { scanToken: await scan(api, m, capped), receiptNo: 'CAP-3', amountFen: 100_00 }))
          .status,
      ).toBe(200)
      // At the cap, a retry of a recorded receipt still gets its original result, not a refusal.
      const retry = await award(api, capped, {
        scanToken: await scan(api, m, capped),
        receiptNo: 'CAP-1',
        amountFen: 900_00,
      })
      expect([retry.status, retry.body.receiptNo, retry.body.status]).toEqual([200, 'CAP-1', 'posted'])
      // A single receipt above the cap is refused before anything is counted.
      expect(
        (await award(api, capped, { scanToken: await scan(api, m, capped), receiptNo: 'CAP-4', amountFen: 1_000_01 }))
          .body.error.code,
      ).toBe('PURCHASE.STAFF_CAP_REACHED')
    } finally {
      await api.ctx.services.rules.replace({ earning: { staffHourlyCapFen: 50_000_00 } })
    }
  })
})

describe('audit log', () => {
  it('records every staff write, refused ones and failed logins included, and operators filter it', async () => {
    const m = await api.loginMember('audited')
    await award(api, clerk, { scanToken: await scan(api, m, clerk), receiptNo: 'AUD-1', amountFen: 88_00 })
    await award(api, clerk, { scanToken: 'x'.repeat(40), receiptNo: 'AUD-2', amountFen: 88_00 })
    await api.http
      .post('/api/staff/auth/login')
      .set('X-Device-Id', 'till-7')
      .send({ username: 'ws-clerk', password: 'nope' })

    const res = await api.http.get('/api/ops/audit?staffId=ws-clerk&pageSize=100').set(bearer(operator))
    expect(res.status).toBe(200)
    const rows = res.body.items as Array<{
      action: string
      outcome: string
      target: Record<string, unknown>
      device: string
      requestId: string
      storeId: string | null
      ip: string
    }>
    const ok = rows.find((r) => r.target.receiptNo === 'AUD-1')!
    expect(ok).toMatchObject({ action: 'POST /api/staff/purchases', outcome: 'ok', storeId: 'W1' })
    expect(ok.requestId).toBeTruthy()
    expect(ok.ip).toBeTruthy()
    expect(rows.find((r) => r.target.receiptNo === 'AUD-2')!.outcome).toBe('SCAN.INVALID')
    expect(
      rows.find((r) => r.action === 'POST /api/staff/auth/login' && r.outcome === 'AUTH.BAD_CREDENTIALS')!.device,
    ).toBe('till-7')
    expect(JSON.stringify(rows)).not.toMatch(/scanToken|password/)

    const failures = await api.http.get('/api/ops/audit?outcome=SCAN.INVALID').set(bearer(operator))
    expect(failures.body.items.every((r: { outcome: string }) => r.outcome === 'SCAN.INVALID')).toBe(true)
    expect((await api.http.get('/api/ops/audit').set(bearer(manager))).status).toBe(403)
  })
})
