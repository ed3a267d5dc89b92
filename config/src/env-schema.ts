import { z } from 'zod'

z.config({ jitless: true })

/**
 * Every environment variable the server reads, with its default and its check; in production the
 * development defaults (secrets, WeChat ids, dev login) are refused.
 */
const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const DEV_SECRET = 'dev-only-secret-change-me-0123456789abcdef'
const DEV_WECHAT_PAY_MCHID = '1900000001'
const DEV_APIV3_KEY = 'dev-only-apiv3-key-0123456789abc'

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Set in production (MongoDB replica set/Atlas). Unset: the embedded FerretDB is started. */
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI')
      .optional(),
    DB_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/)
      .default('mall_loyalty'),
    /** Where the embedded database keeps its SQLite files. */
    DEVDB_DATA_DIR: z.string().default('.devdb/data'),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').default(DEV_SECRET),
    MEMBER_CODE_SECRET: z.string().min(32, 'MEMBER_CODE_SECRET must be at least 32 characters').default(DEV_SECRET),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(3600)
      .max(90 * 86400)
      .default(30 * 86400),
    WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
    WECHAT_APPID: z.string().default('wx-dev-appid'),
    WECHAT_SECRET: z.string().default('wx-dev-secret'),
    WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(30000).default(5000),
    /** subscribe-message template for the check-in reminder (configured in the WeChat admin) */
    WECHAT_CHECKIN_TEMPLATE_ID: z.string().default('checkin-reminder-dev'),
    /** subscribe-message templates (订阅消息) of the notifications module, one per kind of message */
    WECHAT_POINTS_EARNED_TEMPLATE_ID: z.string().default('points-earned-dev'),
    WECHAT_POINTS_EXPIRING_TEMPLATE_ID: z.string().default('points-expiring-dev'),
    WECHAT_COUPON_EXPIRING_TEMPLATE_ID: z.string().default('coupon-expiring-dev'),
    WECHAT_FEEDBACK_REPLIED_TEMPLATE_ID: z.string().default('feedback-replied-dev'),
    /** which mini-program build invite codes and messages open (unset: release in production, else develop) */
    WECHAT_ENV_VERSION: z.enum(['release', 'trial', 'develop']).optional(),
    /** WeChat Pay APIv3 (智慧商圈 pay-to-earn, docs/wechat-pay.md): the mall's merchant number */
    WECHAT_PAY_MCHID: z
      .string()
      .regex(/^[0-9A-Za-z_-]{1,32}$/)
      .default(DEV_WECHAT_PAY_MCHID),
    /** the APIv3 key set in the merchant platform (32 bytes): decrypts notifications' resources */
    WECHAT_PAY_APIV3_KEY: z.string().length(32, 'WECHAT_PAY_APIV3_KEY must be 32 characters').default(DEV_APIV3_KEY),
    /** the merchant API private key (PEM; \\n escapes allowed) and its certificate serial: signs our calls */
    WECHAT_PAY_PRIVATE_KEY: z.string().default(''),
    WECHAT_PAY_CERT_SERIAL: z
      .string()
      .regex(/^[0-9A-Za-z]{1,64}$/)
      .default('DEVMERCHANTSERIAL'),
    /** WeChat Pay's platform public keys by serial, JSON `{"<serial>":"<PEM>"}`: verify notifications */
    WECHAT_PAY_PLATFORM_KEYS: z.string().default('{}'),
    WECHAT_PAY_API_BASE: z.url().default('https://api.mch.weixin.qq.com'),
    /** 商圈会员快速积分 plugin the mini-program opens to authorise pay-to-earn */
    WECHAT_PAY_POINTS_PLUGIN_APPID: z
      .string()
      .regex(/^[0-9A-Za-z_-]{1,64}$/)
      .default('wx-dev-points-plugin'),
    /** H5 / demo login without WeChat. Refused in production (see the refinement below). */
    DEV_LOGIN: boolFromEnv.default(false),
    /** Operators log in with a TOTP code after the password. Cannot be turned off in production. */
    OPERATOR_TOTP: boolFromEnv.default(true),
    /** An operator's session ends after this many idle minutes (the refresh token's lifetime). */
    OPERATOR_IDLE_MINUTES: z.coerce.number().int().min(5).max(480).default(30),
    /** Public base URL of the H5 app, used in invite links (unset: the request's own host). */
    PUBLIC_URL: z.url().optional(),
    /** Directory of the H5 build the server serves at `/`. Empty: do not serve it. */
    H5_DIST_DIR: z.string().default(''),
    /** Directory of the operator console build, served at /admin/. Empty: do not serve it. */
    ADMIN_DIST_DIR: z.string().default(''),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Per-caller request budgets per minute (login by IP, scan by staff, claim/check-in by member). */
    RATE_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    RATE_SCAN_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    RATE_CLAIM_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    /**
     * Reverse proxies in front of the server: `false`/`0` (default) trusts no forwarded header; a number N
     * trusts the last N hops of PROXY_IP_HEADER (client IP) and X-Forwarded-Proto/-Host (scheme, host).
     */
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d{1,2})$/, 'must be false, true (one hop) or a number of proxy hops')
      .default('false'),
    /** the header carrying the client IP chain when TRUST_PROXY is on (a CDN may use e.g. X-Real-IP) */
    PROXY_IP_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/)
      .default('X-Forwarded-For'),
    /** How long a SIGTERM waits for in-flight requests and running jobs before the process exits. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** Loopback port of the embedded database (0: any free one; kept across its restarts). */
    DEVDB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** `boot` builds the indexes at start-up; `skip` leaves them to `npm run db:indexes` (production default). */
    DB_INDEXES: z.enum(['boot', 'skip']).optional(),
    /** Whether this process runs the periodic jobs (each under a per-period lease shared by all instances). */
    JOBS_ENABLED: boolFromEnv.default(true),
    /**
     * Test runs only: the daily message jobs (expiry notices at 10:00, check-in reminders at 20:00) run every
     * this many seconds instead, so a short run sees them send. Unset: daily. Refused in production.
     */
    MESSAGE_JOBS_EVERY_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
    /**
     * Test runs only: the sweepers settle intents a crash left half-done once they are this many seconds old
     * instead of 30, so a chaos run need not wait out the grace. Unset: 30. Refused in production.
     */
    SWEEP_GRACE_SECONDS: z.coerce.number().int().min(1).max(30).optional(),
    /** Welcome gift for new members: points posted to the ledger (0 = none). */
    WELCOME_POINTS: z.coerce.number().int().min(0).max(100000).default(100),
    /** Manual points adjustments of at least this many points (either sign) need a second operator's approval. */
    ADJUST_APPROVAL_POINTS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
    /** Welcome coupon template id posted when the coupon centre exists ('' = none). */
    WELCOME_COUPON_TEMPLATE: z.string().default(''),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return
    if (env.DEV_LOGIN) {
      ctx.addIssue({ code: 'custom', path: ['DEV_LOGIN'], message: 'dev login cannot be enabled in production' })
    }
    if (env.MESSAGE_JOBS_EVERY_SECONDS !== undefined) {
      const message = 'message jobs run daily in production'
      ctx.addIssue({ code: 'custom', path: ['MESSAGE_JOBS_EVERY_SECONDS'], message })
    }
    if (env.SWEEP_GRACE_SECONDS !== undefined) {
      const message = 'sweepers wait their full 30 s grace in production'
      ctx.addIssue({ code: 'custom', path: ['SWEEP_GRACE_SECONDS'], message })
    }
    if (!env.OPERATOR_TOTP) {
      ctx.addIssue({ code: 'custom', path: ['OPERATOR_TOTP'], message: 'operator TOTP cannot be off in production' })
    }
    for (const key of ['JWT_SECRET', 'MEMBER_CODE_SECRET'] as const) {
      if (env[key] === DEV_SECRET) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} must be set in production` })
      }
    }
    if (!env.MONGODB_URI) {
      ctx.addIssue({ code: 'custom', path: ['MONGODB_URI'], message: 'MONGODB_URI must be set in production' })
    }
    const devPay = env.WECHAT_PAY_MCHID === DEV_WECHAT_PAY_MCHID || env.WECHAT_PAY_APIV3_KEY === DEV_APIV3_KEY
    if (devPay || !env.WECHAT_PAY_PRIVATE_KEY || Object.keys(platformKeys(env.WECHAT_PAY_PLATFORM_KEYS)).length === 0) {
      const message = 'WeChat Pay mchid, APIv3 key, private key and platform keys must be set in production'
      ctx.addIssue({ code: 'custom', path: ['WECHAT_PAY_MCHID'], message })
    }
    if (env.WECHAT_APPID === 'wx-dev-appid' || env.WECHAT_SECRET === 'wx-dev-secret') {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_APPID'], message: 'WeChat appid/secret must be set in production' })
    }
  })

export const pem = (value: string) => value.replace(/\\n/g, '\n')

/** `{"<serial>":"<PEM>"}`; anything else is no keys (production then refuses to start). */
export function platformKeys(json: string): Record<string, string> {
  try {
    const parsed = JSON.parse(json) as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
    const out: Record<string, string> = {}
    for (const [serial, key] of Object.entries(parsed)) {
      if (typeof key === 'string' && key.includes('PUBLIC KEY')) out[serial] = pem(key)
    }
    return out
  } catch {
    return {}
  }
}
