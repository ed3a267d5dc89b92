/**
 * Stable error codes shared by server and client. The server maps each code to an HTTP status
 * in one table (server/src/http/error-table.ts); the client maps it to zh-CN copy.
 */
export const ERROR_CODES = [
  'VALIDATION.FAILED',
  'REQUEST.MALFORMED_JSON',
  'REQUEST.TOO_LARGE',
  'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  'REQUEST.NOT_FOUND',
  'REQUEST.RATE_LIMITED',
  'AUTH.REQUIRED',
  'AUTH.TOKEN_INVALID',
  'AUTH.TOKEN_EXPIRED',
  'AUTH.FORBIDDEN',
  'AUTH.CODE_INVALID',
  'AUTH.CODE_USED',
  'AUTH.WECHAT_RATE_LIMITED',
  'AUTH.WECHAT_UNAVAILABLE',
  'AUTH.DEV_LOGIN_DISABLED',
  'AUTH.REFRESH_REUSED',
  'AUTH.BAD_CREDENTIALS',
  'AUTH.LOCKED',
  'MEMBER.NOT_FOUND',
  'MEMBER.PHONE_TAKEN',
  'MEMBER_CODE.INVALID',
  'MEMBER_CODE.EXPIRED',
  'MEMBER_CODE.USED',
  'POINTS.INSUFFICIENT',
  'POINTS.IN_DEBT',
  'IDEMPOTENCY.KEY_REUSED',
  'IDEMPOTENCY.IN_FLIGHT',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown }
}

/** zh-CN copy for members and staff; the server's English message is for logs and developers. */
export const ERROR_MESSAGES_ZH: Record<ErrorCode, string> = {
  'VALIDATION.FAILED': '输入有误，请检查后重试',
  'REQUEST.MALFORMED_JSON': '请求格式错误',
  'REQUEST.TOO_LARGE': '请求内容过大',
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': '不支持的请求格式',
  'REQUEST.NOT_FOUND': '接口不存在',
  'REQUEST.RATE_LIMITED': '操作太频繁，请稍后再试',
  'AUTH.REQUIRED': '请先登录',
  'AUTH.TOKEN_INVALID': '登录状态无效，请重新登录',
  'AUTH.TOKEN_EXPIRED': '登录已过期，请重新登录',
  'AUTH.FORBIDDEN': '无权进行此操作',
  'AUTH.CODE_INVALID': '微信登录凭证无效，请重试',
  'AUTH.CODE_USED': '登录凭证已使用，请重新登录',
  'AUTH.WECHAT_RATE_LIMITED': '微信登录太频繁，请稍后再试',
  'AUTH.WECHAT_UNAVAILABLE': '微信服务暂不可用，请稍后再试',
  'AUTH.DEV_LOGIN_DISABLED': '体验登录未开启',
  'AUTH.REFRESH_REUSED': '登录状态已失效，请重新登录',
  'AUTH.BAD_CREDENTIALS': '用户名或密码错误',
  'AUTH.LOCKED': '账号已被临时锁定，请稍后再试',
  'MEMBER.NOT_FOUND': '会员不存在',
  'MEMBER.PHONE_TAKEN': '该手机号已绑定其他会员',
  'MEMBER_CODE.INVALID': '会员码无效',
  'MEMBER_CODE.EXPIRED': '会员码已过期，请让顾客刷新',
  'MEMBER_CODE.USED': '会员码已使用，请让顾客刷新',
  'POINTS.INSUFFICIENT': '积分不足',
  'POINTS.IN_DEBT': '积分账户有待补扣的积分，暂不能使用',
  'IDEMPOTENCY.KEY_REUSED': '重复的请求编号',
  'IDEMPOTENCY.IN_FLIGHT': '请求处理中，请稍候',
  INTERNAL: '系统繁忙，请稍后再试',
}
