import { ConfigError, loadConfig } from '../src'

const prodBase = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.internal:27017/?replicaSet=rs0',
  JWT_SECRET: 'p'.repeat(40),
  MEMBER_CODE_SECRET: 'q'.repeat(40),
  WECHAT_APPID: 'wx1234567890',
  WECHAT_SECRET: 'real-secret',
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
    expect(() => loadConfig({}, { ...prodBase, DEV_LOGIN: 'true' })).toThrow(/DEV_LOGIN: dev login cannot be enabled in production/)
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

  it('treats empty variables as unset', () => {
    expect(loadConfig({}, { PORT: '' }).http.port).toBe(3000)
  })
})
