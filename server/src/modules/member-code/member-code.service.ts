import { trusted, type Connection, type Model } from 'mongoose'
import {
  MEMBER_CODE_STEP_SECONDS,
  stepEndsAt,
  timeStep,
  type MemberCodeResponse,
  type ScannedMember,
} from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims, TokenService } from '../auth/tokens'
import type { MemberService } from '../members/member.service'
import { usedCodeModel, type UsedCodeDoc } from './member-code.model'
import { signCode, verifyCode } from './signer'

// A wallet's state grows with the months it has points or spend in (a few KB for a member of years):
// above this it is left out of the scan token and the award reads the member row instead.
const MAX_HANDED_HEAD_CHARS = 2_000

export interface ResolvedScan {
  member: ScannedMember
  /** short-lived proof of the scan, required by purchase awards */
  scanToken: string
}

export class MemberCodeService {
  private readonly UsedCode: Model<UsedCodeDoc>

  constructor(
    conn: Connection,
    private readonly secret: string,
    private readonly members: MemberService,
    private readonly tokens: TokenService,
  ) {
    this.UsedCode = usedCodeModel(conn)
  }

  issue(memberId: string, now: Date): MemberCodeResponse {
    const step = timeStep(now)
    return {
      code: signCode(this.secret, 'member', memberId, step),
      stepSeconds: MEMBER_CODE_STEP_SECONDS,
      refreshAt: stepEndsAt(step).toISOString(),
      serverTime: now.toISOString(),
    }
  }

  /** Staff scanned a code: verify signature and freshness, burn it, return who it is. */
  async resolve(code: string, staff: StaffClaims, now: Date): Promise<ResolvedScan> {
    const result = verifyCode(this.secret, 'member', code, timeStep(now))
    if (!result.ok) {
      if (result.reason === 'expired') throw new DomainError('MEMBER_CODE.EXPIRED', 'member code expired')
      throw new DomainError('MEMBER_CODE.INVALID', 'member code invalid')
    }
    const member = await this.members.get(result.subject).catch(() => {
      throw new DomainError('MEMBER_CODE.INVALID', 'member code invalid')
    })
    const used = await insertOnce(this.UsedCode, {
      _id: `member:${member._id}:${result.step}`,
      usedAt: now,
      usedBy: staff.sub,
      expiresAt: new Date(stepEndsAt(result.step + 2).getTime()),
    })
    if (!used) throw new DomainError('MEMBER_CODE.USED', 'member code already used')
    const { card, head } = await this.members.cardWithHead(member._id)
    // What the award needs of the member travels with the scan, so it need not read the row again
    // (another process may serve it): the tier shown to the staff member, whether someone invited the
    // member (fixed at registration), and the wallet's head the card showed (where the award's posting
    // starts; signed, so it can only be stale, which costs the posting a retry). The head is sealed:
    // its state holds the member's spend per month, which is not the staff member's to read.
    const handed = JSON.stringify(head).length <= MAX_HANDED_HEAD_CHARS ? { head: this.tokens.seal(head) } : {}
    const scanned = { tier: card.tier.level, invited: member.source.inviterId !== null, ...handed }
    const scanToken = this.tokens.sign(
      'scan',
      { sub: member._id, staffId: staff.sub, storeId: staff.storeId, ...scanned },
      now,
    ).token
    return {
      member: {
        memberId: card.memberId,
        memberNo: card.memberNo,
        nickname: card.nickname,
        phoneMasked: card.phoneMasked,
        tier: card.tier,
        pointsBalance: card.pointsBalance,
      },
      scanToken,
    }
  }

  /** Deletes burned codes that can no longer be replayed anyway (no TTL indexes on FerretDB). */
  async sweep(now: Date): Promise<number> {
    const res = await this.UsedCode.deleteMany({ expiresAt: trusted({ $lt: now }) }).exec()
    return res.deletedCount
  }
}
