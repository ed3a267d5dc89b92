import { createHash } from 'node:crypto'
import type { Connection } from 'mongoose'
import type { MemberLoginResponse, SessionTokens } from '@mall/shared'
import { updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { MemberService } from '../members/member.service'
import { authModels, type AuthModels } from './auth.model'
import type { TokenService } from './tokens'
import type { WechatClient } from '../wechat/wechat-client'

export class AuthService {
  private readonly m: AuthModels

  constructor(
    conn: Connection,
    private readonly members: MemberService,
    private readonly tokens: TokenService,
    private readonly wechat: WechatClient,
    private readonly devLoginEnabled: boolean,
  ) {
    this.m = authModels(conn)
  }

  /**
   * Taro.login code → code2Session → member. The code is burned (unique insert of its hash)
   * before WeChat is asked, so a replayed code fails here even if WeChat would accept it.
   */
  async wechatLogin(code: string, inviterCode: string | undefined, now: Date): Promise<MemberLoginResponse> {
    const session = await this.burningCode(`login:${code}`, now, () => this.wechat.code2Session(code))
    // A new user's concurrent logins all write this row first: the upsert survives racing itself.
    await updateById(
      this.m.WechatSession,
      session.openid,
      { $set: { sessionKey: session.sessionKey, unionid: session.unionid, updatedAt: now } },
      { upsert: true },
    )
    const { member, isNew } = await this.members.findOrRegister({
      identity: `wx:${session.openid}`,
      linkedIdentities: session.unionid ? [`unionid:${session.unionid}`] : [],
      nickname: '微信会员',
      openid: session.openid,
      channel: inviterCode ? 'invite' : 'wechat',
      inviterCode,
      now,
    })
    return this.memberSession(member._id, isNew, now)
  }

  /** Demo/H5 login by name. Config makes this impossible to enable in production. */
  async devLogin(devUser: string, inviterCode: string | undefined, now: Date): Promise<MemberLoginResponse> {
    if (!this.devLoginEnabled) throw new DomainError('AUTH.DEV_LOGIN_DISABLED', 'dev login is disabled')
    const { member, isNew } = await this.members.findOrRegister({
      identity: `dev:${devUser}`,
      nickname: devUser,
      channel: inviterCode ? 'invite' : 'dev',
      inviterCode,
      now,
    })
    return this.memberSession(member._id, isNew, now)
  }

  /**
   * Rotating refresh: each refresh token works once (unique insert of its jti), so a stolen
   * token that was already used is refused instead of minting a parallel session.
   */
  async refresh(
    refreshToken: string,
    kind: 'member' | 'staff',
    now: Date,
    staffClaims?: (sub: string) => Promise<object>,
  ): Promise<SessionTokens> {
    const claims = this.tokens.verify<{ sub: string }>(refreshToken, `${kind}-refresh`, now)
    if (!(await insertOnce(this.m.UsedRefreshToken, { _id: claims.jti, at: now }))) {
      throw new DomainError('AUTH.REFRESH_REUSED', 'refresh token already used')
    }
    if (kind === 'member') {
      await this.members.get(claims.sub)
      return this.tokens.issuePair('member', { sub: claims.sub }, now)
    }
    return this.tokens.issuePair('staff', (await staffClaims!(claims.sub)) as never, now)
  }

  async bindPhone(memberId: string, phoneCode: string, now: Date): Promise<string> {
    const phone = await this.burningCode(`phone:${phoneCode}`, now, () => this.wechat.getPhoneNumber(phoneCode))
    return this.members.bindPhone(memberId, phone, now)
  }

  /**
   * A WeChat code works once: it is burned (unique insert of its hash) before WeChat is asked, so a
   * replay fails here even if WeChat would accept it. If WeChat refuses it, the burn is undone:
   * a refused request leaves nothing behind.
   */
  private async burningCode<T>(key: string, now: Date, exchange: () => Promise<T>): Promise<T> {
    const id = sha256(key)
    if (!(await insertOnce(this.m.UsedLoginCode, { _id: id, at: now })))
      throw new DomainError('AUTH.CODE_USED', 'code already used')
    try {
      return await exchange()
    } catch (err) {
      await this.m.UsedLoginCode.deleteOne({ _id: id }).exec()
      throw err
    }
  }

  private async memberSession(memberId: string, isNewMember: boolean, now: Date): Promise<MemberLoginResponse> {
    return {
      ...this.tokens.issuePair('member', { sub: memberId }, now),
      isNewMember,
      member: await this.members.card(memberId),
    }
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
