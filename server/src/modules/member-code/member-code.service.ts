import { trusted, type Connection, type Model } from 'mongoose'
import {
  maskName,
  MEMBER_CODE_STEP_SECONDS,
  stepEndsAt,
  timeStep,
  type MemberCodeResponse,
  type ScannedMember,
} from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { StaffClaims, TokenService } from '../auth/tokens'
import { refuseIfFrozen, type MemberService } from '../members/member.service'
import { usedCodeModel, type UsedCodeDoc } from './member-code.model'
import { signCode, verifyCode } from './signer'

// A wallet's state grows with the months it has points or spend in (a few KB for a member of years):
// above this it is left out of the scan token and the award reads the member row instead.
const MAX_HANDED_HEAD_CHARS = 2_000
// A scanned code is spent for its step. The refresh that follows gets the code of the next unspent step
// (signed ahead, accepted early) so the member has a working code at once instead of the spent one
// until the step ends. Three scans in one step is more than a till needs: the fourth refresh waits.
const STEPS_AHEAD = 2

const usedCodeId = (memberId: string, step: number) => `member:${memberId}:${step}`

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

  /** The code of the first step from now on whose code has not been scanned yet. */
  async issue(memberId: string, now: Date): Promise<MemberCodeResponse> {
    const step = timeStep(now)
    const candidates = Array.from({ length: STEPS_AHEAD + 1 }, (_, i) => step + i)
    const spent = await this.UsedCode.find({ _id: trusted({ $in: candidates.map((s) => usedCodeId(memberId, s)) }) })
      .select({ _id: 1 })
      .lean<Pick<UsedCodeDoc, '_id'>[]>()
      .exec()
    const spentIds = new Set(spent.map((row) => row._id))
    const fresh = candidates.find((s) => !spentIds.has(usedCodeId(memberId, s)))
    if (fresh === undefined) throw new DomainError('REQUEST.RATE_LIMITED', 'member code scanned too often')
    return {
      code: signCode(this.secret, 'member', memberId, fresh),
      stepSeconds: MEMBER_CODE_STEP_SECONDS,
      refreshAt: stepEndsAt(step).toISOString(),
      serverTime: now.toISOString(),
    }
  }

  /** Staff scanned a code: verify signature and freshness, burn it, return who it is. */
  async resolve(code: string, staff: StaffClaims, now: Date): Promise<ResolvedScan> {
    const result = verifyCode(this.secret, 'member', code, timeStep(now), STEPS_AHEAD)
    if (!result.ok) {
      if (result.reason === 'expired') throw new DomainError('MEMBER_CODE.EXPIRED', 'member code expired')
      throw new DomainError('MEMBER_CODE.INVALID', 'member code invalid')
    }
    const member = await this.members.get(result.subject).catch(() => {
      throw new DomainError('MEMBER_CODE.INVALID', 'member code invalid')
    })
    // the scan is what till earning and desk spending start from: a frozen member's code is refused
    refuseIfFrozen(member)
    const used = await insertOnce(this.UsedCode, {
      _id: usedCodeId(member._id, result.step),
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
        nickname: maskName(card.nickname),
        // Role-based field access (docs/privacy-security.md): a clerk at the till gets tier and points, not the
        // phone number; a store manager or the desk, who call members back, get it masked.
        ...(staff.role === 'clerk' ? {} : { phoneMasked: card.phoneMasked }),
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
