import { generateKeyPairSync } from 'node:crypto'
import { ConfigError, loadConfig } from '../src'

const payKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pem = (k: typeof payKeys.publicKey, type: 'spki' | 'pkcs8') => k.export({ type, format: 'pem' }).toString()

const prodBase = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.internal:27017/?replicaSet=rs0',
  JWT_SECRET: 'p'.repeat(40),
  MEMBER_CODE_SECRET: 'q'.repeat(40),
  WECHAT_APPID: 'wx1234567890',
  WECHAT_SECRET: 'real-secret',
  WECHAT_PAY_MCHID: '1230000109',
  WECHAT_PAY_APIV3_KEY: 'k'.repeat(32),
  // as an environment variable carries it: one line, newlines escaped
  WECHAT_PAY_PRIVATE_KEY: pem(payKeys.privateKey, 'pkcs8').replace(/\n/g, '\\n'),
  WECHAT_PAY_CERT_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHAT_PAY_PLATFORM_KEYS: JSON.stringify({ PUB_KEY_ID_0112: pem(payKeys.publicKey, 'spki') }),
}

describe('config loader', () => {
  it('gives working development defaults from an empty environment', () => {
    const cfg = loadConfig({}, {})
    expect(cfg.env).toBe('development')
    expect(cfg.http.port).toBe(3000)
    expect(cfg.db.uri).toBeUndefined()
    expect(cfg.auth.devLogin).toBe(false)
  })

  it('parses and types values', () => {
    const cfg = loadConfig({}, { PORT: '8080', DEV_LOGIN: 'true', ACCESS_TOKEN_TTL_SECONDS: '600' })
    expect(cfg.http.port).toBe(8080)
    expect(cfg.auth.devLogin).toBe(true)
    expect(cfg.auth.accessTokenTtlSeconds).toBe(600)
  })

  it('accepts a complete production configuration', () => {
    expect(loadConfig({}, prodBase).env).toBe('production')
  })

  it.each([
    ['a non-numeric port', { PORT: 'eighty' }, 'PORT'],
    ['a short JWT secret', { JWT_SECRET: 'short' }, 'JWT_SECRET'],
    ['a non-mongodb URI', { MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['a bad boolean', { DEV_LOGIN: 'maybe' }, 'DEV_LOGIN'],
  ])('stops start-up with a clear message for %s', (_label, env, key) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError)
    expect(() => loadConfig({}, env)).toThrow(new RegExp(key))
  })

  it('makes dev login impossible in production', () => {
    expect(() => loadConfig({}, { ...prodBase, DEV_LOGIN: 'true' })).toThrow(
      /DEV_LOGIN: dev login cannot be enabled in production/,
    )
  })

  it('runs the message jobs every few seconds only outside production', () => {
    expect(loadConfig({}, {}).lifecycle.messageJobsEveryMs).toBeNull()
    expect(loadConfig({}, { MESSAGE_JOBS_EVERY_SECONDS: '5' }).lifecycle.messageJobsEveryMs).toBe(5000)
    expect(() => loadConfig({}, { ...prodBase, MESSAGE_JOBS_EVERY_SECONDS: '5' })).toThrow(
      /MESSAGE_JOBS_EVERY_SECONDS: message jobs run daily in production/,
    )
  })

  it("shortens the sweepers' grace only outside production", () => {
    expect(loadConfig({}, {}).lifecycle.sweepGraceMs).toBeNull()
    expect(loadConfig({}, { SWEEP_GRACE_SECONDS: '3' }).lifecycle.sweepGraceMs).toBe(3000)
    expect(() => loadConfig({}, { SWEEP_GRACE_SECONDS: '31' })).toThrow(/SWEEP_GRACE_SECONDS/)
    expect(() => loadConfig({}, { ...prodBase, SWEEP_GRACE_SECONDS: '3' })).toThrow(
      /SWEEP_GRACE_SECONDS: sweepers wait their full 30 s grace in production/,
    )
  })

  it('requires real secrets, a database and WeChat credentials in production', () => {
    let err: ConfigError | undefined
    try {
      loadConfig({}, { NODE_ENV: 'production' })
    } catch (e) {
      err = e as ConfigError
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect(err!.problems.join('\n')).toMatch(/JWT_SECRET/)
    expect(err!.problems.join('\n')).toMatch(/MEMBER_CODE_SECRET/)
    expect(err!.problems.join('\n')).toMatch(/MONGODB_URI/)
    expect(err!.problems.join('\n')).toMatch(/WeChat/)
  })

  it('requires WeChat Pay credentials in production, and reads them', () => {
    for (const missing of [
      'WECHAT_PAY_MCHID',
      'WECHAT_PAY_APIV3_KEY',
      'WECHAT_PAY_PRIVATE_KEY',
      'WECHAT_PAY_PLATFORM_KEYS',
    ]) {
      expect(() => loadConfig({}, { ...prodBase, [missing]: undefined })).toThrow(
        /WeChat Pay .* must be set in production/,
      )
    }
    const { wechatPay } = loadConfig({}, prodBase)
    expect(wechatPay.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    expect(Object.keys(wechatPay.platformKeys)).toEqual(['PUB_KEY_ID_0112'])
    expect(() => loadConfig({}, { ...prodBase, WECHAT_PAY_APIV3_KEY: 'short' })).toThrow(
      /WECHAT_PAY_APIV3_KEY must be 32 characters/,
    )
  })

  it('treats empty variables as unset', () => {
    expect(loadConfig({}, { PORT: '' }).http.port).toBe(3000)
  })
})
