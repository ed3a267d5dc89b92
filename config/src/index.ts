import { envSchema, pem, platformKeys } from './env-schema'

/**
 * The one place that reads process.env. Everything else receives a typed, validated `AppConfig`.
 * A bad value stops start-up with a message naming the variable, instead of failing later.
 */

export interface AppConfig {
  env: 'development' | 'test' | 'production'
  http: { host: string; port: number }
  db: { uri: string | undefined; name: string; devDataDir: string }
  auth: {
    jwtSecret: string
    memberCodeSecret: string
    accessTokenTtlSeconds: number
    refreshTokenTtlSeconds: number
    devLogin: boolean
    /** operators need a TOTP code after the password */
    operatorTotp: boolean
    operatorIdleSeconds: number
  }
  wechat: {
    apiBase: string
    appId: string
    secret: string
    timeoutMs: number
    checkinReminderTemplateId: string
    /** subscribe-message template ids of the notifications module */
    templates: { pointsEarned: string; pointsExpiring: string; couponExpiring: string; feedbackReplied: string }
    envVersion: 'release' | 'trial' | 'develop'
  }
  /** WeChat Pay APIv3 (智慧商圈). Secrets: never logged, never in a response. */
  wechatPay: {
    mchid: string
    apiV3Key: string
    /** PEM; empty outside production: the client makes a throwaway key (calls then fail signature checks) */
    privateKey: string
    certSerial: string
    /** serial → PEM public key */
    platformKeys: Record<string, string>
    apiBase: string
    pluginAppId: string
  }
  h5DistDir: string
  adminDistDir: string
  publicUrl: string | undefined
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  welcomeGift: { points: number; couponTemplateId: string }
  /** operators' actions on members: adjustments at or above the threshold need a second operator */
  memberAdmin: { approvalThresholdPoints: number }
  rateLimits: { loginPerMinute: number; scanPerMinute: number; claimPerMinute: number }
  /** forwarded headers: trusted hops (0 = none) and the client-IP header */
  proxy: { hops: number; ipHeader: string }
  /** process lifecycle: drain on SIGTERM, embedded database port, indexes at boot, jobs */
  lifecycle: {
    shutdownTimeoutMs: number
    devDbPort: number
    indexesAtBoot: boolean
    jobsEnabled: boolean
    /** test runs: the daily message jobs every this many ms (null: daily, at their hours) */
    messageJobsEveryMs: number | null
    /** test runs (SWEEP_GRACE_SECONDS): how old a half-done intent is before the sweepers settle it; null: 30 s */
    sweepGraceMs: number | null
  }
}

/** Every environment variable the server reads (.env.example lists each; config/test checks it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape)

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

/** Reads and validates the environment. Pass `overrides` in tests instead of mutating process.env. */
export function loadConfig(
  overrides: Record<string, string | undefined> = {},
  source: Record<string, string | undefined> = process.env,
): AppConfig {
  const parsed = envSchema.safeParse({ ...pickKnown(source), ...overrides })
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`))
  }
  const e = parsed.data
  return {
    env: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT },
    db: { uri: e.MONGODB_URI, name: e.DB_NAME, devDataDir: e.DEVDB_DATA_DIR },
    auth: {
      jwtSecret: e.JWT_SECRET,
      memberCodeSecret: e.MEMBER_CODE_SECRET,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      devLogin: e.DEV_LOGIN,
      operatorTotp: e.OPERATOR_TOTP,
      operatorIdleSeconds: e.OPERATOR_IDLE_MINUTES * 60,
    },
    wechat: {
      apiBase: e.WECHAT_API_BASE,
      appId: e.WECHAT_APPID,
      secret: e.WECHAT_SECRET,
      timeoutMs: e.WECHAT_TIMEOUT_MS,
      checkinReminderTemplateId: e.WECHAT_CHECKIN_TEMPLATE_ID,
      templates: {
        pointsEarned: e.WECHAT_POINTS_EARNED_TEMPLATE_ID,
        pointsExpiring: e.WECHAT_POINTS_EXPIRING_TEMPLATE_ID,
        couponExpiring: e.WECHAT_COUPON_EXPIRING_TEMPLATE_ID,
        feedbackReplied: e.WECHAT_FEEDBACK_REPLIED_TEMPLATE_ID,
      },
      envVersion: e.WECHAT_ENV_VERSION ?? (e.NODE_ENV === 'production' ? 'release' : 'develop'),
    },
    wechatPay: {
      mchid: e.WECHAT_PAY_MCHID,
      apiV3Key: e.WECHAT_PAY_APIV3_KEY,
      privateKey: pem(e.WECHAT_PAY_PRIVATE_KEY),
      certSerial: e.WECHAT_PAY_CERT_SERIAL,
      platformKeys: platformKeys(e.WECHAT_PAY_PLATFORM_KEYS),
      apiBase: e.WECHAT_PAY_API_BASE.replace(/\/$/, ''),
      pluginAppId: e.WECHAT_PAY_POINTS_PLUGIN_APPID,
    },
    h5DistDir: e.H5_DIST_DIR,
    adminDistDir: e.ADMIN_DIST_DIR,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    welcomeGift: { points: e.WELCOME_POINTS, couponTemplateId: e.WELCOME_COUPON_TEMPLATE },
    memberAdmin: { approvalThresholdPoints: e.ADJUST_APPROVAL_POINTS },
    rateLimits: {
      loginPerMinute: e.RATE_LOGIN_PER_MINUTE,
      scanPerMinute: e.RATE_SCAN_PER_MINUTE,
      claimPerMinute: e.RATE_CLAIM_PER_MINUTE,
    },
    proxy: {
      hops: e.TRUST_PROXY === 'true' ? 1 : e.TRUST_PROXY === 'false' ? 0 : Number(e.TRUST_PROXY),
      ipHeader: e.PROXY_IP_HEADER,
    },
    lifecycle: {
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      devDbPort: e.DEVDB_PORT,
      indexesAtBoot: (e.DB_INDEXES ?? (e.NODE_ENV === 'production' ? 'skip' : 'boot')) === 'boot',
      jobsEnabled: e.JOBS_ENABLED,
      messageJobsEveryMs: e.MESSAGE_JOBS_EVERY_SECONDS === undefined ? null : e.MESSAGE_JOBS_EVERY_SECONDS * 1000,
      sweepGraceMs: e.SWEEP_GRACE_SECONDS === undefined ? null : e.SWEEP_GRACE_SECONDS * 1000,
    },
  }
}

// Only the variables the schema knows; an empty string counts as unset so `FOO= cmd` falls back to the default.
function pickKnown(source: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key]
    if (value !== undefined && value !== '') out[key] = value
  }
  return out
}
