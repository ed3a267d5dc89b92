import pino, { type Logger } from 'pino'

/** Structured JSON logs. WeChat session keys, access tokens and credentials are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'mall-loyalty' },
    redact: {
      paths: [
        'sessionKey',
        'session_key',
        '*.sessionKey',
        '*.session_key',
        'password',
        '*.password',
        'authorization',
        '*.authorization',
        'access_token',
        '*.access_token',
        'accessToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  })
}
