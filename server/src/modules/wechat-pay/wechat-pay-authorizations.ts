import type { AppConfig } from '@mall/config'
import {
  mallAuthorizationResource,
  parseWechatTime,
  type MallAuthorizationResource,
  type MemberWechatPayStatus,
} from '@mall/shared'
import { insertOnce } from '../../db/connect'
import type { MemberService } from '../members/member.service'
import type { WechatPayClient } from './wechat-pay-client'
import type { WechatPayModels, WxAuthorizationDoc } from './wechat-pay.model'

/**
 * Whether a member has pay-to-earn on (商圈会员积分授权): each authorisation notification is a row keyed
 * by payer, time and state, the newest row answers, and without one WeChat's 授权查询 is asked.
 */
export class WechatPayAuthorizations {
  constructor(
    private readonly m: WechatPayModels,
    private readonly cfg: AppConfig['wechatPay'] & { appId: string },
    private readonly members: MemberService,
    private readonly client: WechatPayClient,
  ) {}

  async record(a: MallAuthorizationResource, now: Date): Promise<void> {
    const at = parseWechatTime(a.authorize_time) ?? now
    await insertOnce(this.m.Authorization, {
      _id: `${a.openid}:${at.toISOString()}:${a.authorize_state}`,
      openid: a.openid,
      state: a.authorize_state,
      at,
      receivedAt: now,
    } satisfies WxAuthorizationDoc as never)
  }

  /** Is pay-to-earn on for this member: the newest notification, else WeChat's 授权查询. */
  async status(memberId: string, now: Date): Promise<MemberWechatPayStatus> {
    const member = await this.members.get(memberId)
    const pluginQuery = member.openid
      ? `openid=${encodeURIComponent(member.openid)}&mch_id=${this.cfg.mchid}&member_status=1`
      : null
    const none = {
      state: 'UNAUTHORIZED' as const,
      enabled: false,
      since: null,
      pluginAppId: this.cfg.pluginAppId,
      pluginQuery,
    }
    if (!member.openid) return none
    const newest = await this.m.Authorization.find({ openid: member.openid })
      .sort({ at: -1 })
      .limit(1)
      .lean<WxAuthorizationDoc[]>()
      .exec()
    if (newest[0]) {
      const state = newest[0].state as MemberWechatPayStatus['state']
      return { ...none, state, enabled: state === 'AUTHORIZED', since: new Date(newest[0].at).toISOString() }
    }
    const answer = await this.client.authorizationOf(member.openid, this.cfg.appId, now)
    const state = mallAuthorizationResource.shape.authorize_state.safeParse(answer.body?.authorize_state)
    const since = parseWechatTime(answer.body?.authorize_time)
    // Only a state with its time is kept: a later notification is then told apart by its time.
    if (!answer.ok || !state.success || state.data === 'UNAUTHORIZED' || !since) return none
    await this.record(
      {
        openid: member.openid,
        appid: this.cfg.appId,
        mchid: this.cfg.mchid,
        authorize_state: state.data,
        authorize_time: since.toISOString(),
      },
      now,
    )
    return { ...none, state: state.data, enabled: state.data === 'AUTHORIZED', since: since.toISOString() }
  }
}
