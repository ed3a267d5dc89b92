import type { TestApi } from '../support/api-harness'
import { PASSWORD, configKit } from '../support/config-kit'
import { dbFingerprint } from '../support/db-fingerprint'

jest.setTimeout(120_000)

/**
 * The password policy (shared/src/rules/password-policy.ts) where operators set staff passwords, over HTTP: a
 * new account and a password reset are refused with the policy's zh-CN reason and change nothing; a passphrase
 * of plain words passes and logs in.
 */
const kit = configKit()
const { post, put, login } = kit
let api: TestApi

beforeAll(async () => {
  ;({ api } = await kit.start())
})
afterAll(() => api.stop())

const account = (username: string, password: string) => ({
  username,
  displayName: '新店员',
  role: 'clerk',
  storeId: 'H1',
  password,
})

const WEAK: [string, string][] = [
  ['short', '密码至少 10 个字符'],
  ['abcdefghijkl', '密码需包含至少两类字符（字母、数字、空格或符号）'],
  ['a1a1a1a1a1a1', '密码不能由少数几个字符重复组成'],
  ['Password123', '该密码过于常见，请换一个'],
  ['woaini1314', '该密码过于常见，请换一个'],
]

describe('staff password policy', () => {
  it.each(WEAK)('refuses a new account with %p: %s, and writes nothing', async (password, reason) => {
    const fingerprint = await dbFingerprint(api.conn)
    const res = await post('/api/ops/staff', account('pw-weak', password))
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('VALIDATION.FAILED')
    expect(res.body.error.details.issues).toEqual([{ path: 'password', message: reason }])
    expect(await dbFingerprint(api.conn)).toEqual(fingerprint)
    expect((await login('pw-weak', password)).status).toBe(401)
  })

  it('takes a passphrase of plain words, and refuses a weak reset while the old password keeps working', async () => {
    const created = await post('/api/ops/staff', account('pw-good', PASSWORD))
    expect(created.status).toBe(201)
    expect((await login('pw-good')).status).toBe(200)

    const edit = { displayName: '新店员', role: 'clerk', storeId: 'H1', active: true, version: 1 }
    for (const [password, reason] of WEAK) {
      const res = await put('/api/ops/staff/pw-good', { ...edit, password })
      expect({ password, status: res.status, issues: res.body.error?.details?.issues }).toEqual({
        password,
        status: 400,
        issues: [{ path: 'password', message: reason }],
      })
    }
    expect((await login('pw-good')).status).toBe(200)
    const reset = await put('/api/ops/staff/pw-good', { ...edit, password: '商场 服务台 2026 春' })
    expect(reset.status).toBe(200)
    expect((await login('pw-good', '商场 服务台 2026 春')).status).toBe(200)
    expect((await login('pw-good')).status).toBe(401)
  })
})
