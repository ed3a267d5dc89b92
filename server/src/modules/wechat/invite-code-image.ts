import { Schema, type Connection, type Model } from 'mongoose'
import type { InviteCodeImage } from '@mall/shared'
import { findById } from '../../db/by-id'
import { getModel, insertOnce } from '../../db/connect'
import type { MemberService } from '../members/member.service'
import type { WechatClient, WxaCodeRequest } from './wechat-client'

/**
 * A member's invite as a mini-program code (小程序码, getwxacodeunlimit): the code opens the
 * landing page with the invite code as `scene`, which the page reads like the link's `?inviter=`.
 *
 * WeChat draws a code per call, so each is kept as a row `<env>:<page>:<scene>` (inserted once;
 * the same invite code always gives the same image) and served from there: a member opening the
 * invite page again, on any server process, costs one read. Concurrent first requests in one
 * process share one WeChat call; two processes may each make one, and the first row stays.
 */
interface WxaCodeDoc {
  _id: string
  contentType: string
  /** the image, base64 */
  image: string
  createdAt: Date
}

const schema = new Schema<WxaCodeDoc>(
  { _id: String, contentType: String, image: String, createdAt: Date },
  { versionKey: false, collection: 'wxa_codes' },
)

/** The page an invite opens: the member card, which also takes `?inviter=` from shared links. */
export const INVITE_LANDING_PAGE = 'pages/card/index'

export class InviteCodeImages {
  private readonly Code: Model<WxaCodeDoc>
  private readonly drawing = new Map<string, Promise<WxaCodeDoc>>()

  constructor(
    conn: Connection,
    private readonly wechat: WechatClient,
    private readonly members: MemberService,
    private readonly envVersion: WxaCodeRequest['envVersion'],
  ) {
    this.Code = getModel(conn, 'WxaCode', schema)
  }

  async forMember(memberId: string, now: Date): Promise<InviteCodeImage> {
    const { inviteCode } = await this.members.get(memberId)
    const request: WxaCodeRequest = { scene: inviteCode, page: INVITE_LANDING_PAGE, envVersion: this.envVersion }
    const code = await this.image(request, now)
    return { inviteCode, page: INVITE_LANDING_PAGE, image: `data:${code.contentType};base64,${code.image}` }
  }

  private async image(req: WxaCodeRequest, now: Date): Promise<WxaCodeDoc> {
    const key = `${req.envVersion}:${req.page}:${req.scene}`
    const stored = await findById<WxaCodeDoc>(this.Code, key)
    if (stored) return stored
    let pending = this.drawing.get(key)
    if (!pending) {
      pending = this.draw(key, req, now).finally(() => this.drawing.delete(key))
      this.drawing.set(key, pending)
    }
    return pending
  }

  private async draw(key: string, req: WxaCodeRequest, now: Date): Promise<WxaCodeDoc> {
    const { contentType, data } = await this.wechat.getUnlimitedWxaCode(req)
    const doc: WxaCodeDoc = { _id: key, contentType, image: data.toString('base64'), createdAt: now }
    if (await insertOnce(this.Code, doc as never)) return doc
    return (await findById<WxaCodeDoc>(this.Code, key)) ?? doc // another process drew it first
  }
}
