import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

/** Business keys consumed once: a login code (by hash), a refresh token (by jti). */
export interface UsedOnceDoc {
  _id: string
  at: Date
}

/** WeChat's session_key per openid. Server-side only: no route returns it, no log prints it. */
export interface WechatSessionDoc {
  _id: string
  sessionKey: string
  unionid: string | null
  updatedAt: Date
}

const usedOnceSchema = (collection: string) =>
  new Schema<UsedOnceDoc>({ _id: String, at: { type: Date, required: true } }, { versionKey: false, collection })

const wechatSessionSchema = new Schema<WechatSessionDoc>(
  {
    _id: String,
    sessionKey: { type: String, required: true },
    unionid: { type: String, default: null },
    updatedAt: Date,
  },
  { versionKey: false, collection: 'wechat_sessions' },
)

export interface AuthModels {
  UsedLoginCode: Model<UsedOnceDoc>
  UsedRefreshToken: Model<UsedOnceDoc>
  WechatSession: Model<WechatSessionDoc>
}

export function authModels(conn: Connection): AuthModels {
  return {
    UsedLoginCode: getModel(conn, 'UsedLoginCode', usedOnceSchema('used_login_codes')),
    UsedRefreshToken: getModel(conn, 'UsedRefreshToken', usedOnceSchema('used_refresh_tokens')),
    WechatSession: getModel(conn, 'WechatSession', wechatSessionSchema),
  }
}
