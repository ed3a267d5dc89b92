import {
  DEFAULT_TIERS,
  ERASED_MEMBER_NICKNAME,
  maskPhone,
  tierByLevel,
  type MemberCard,
  type TierDefinition,
} from '@mall/shared'
import { DomainError } from '../../errors/domain-error'
import { TtlCache } from '../../lib/ttl-cache'
import type { LedgerService, WalletHead } from '../ledger/ledger.service'
import type { MemberDoc } from './member.model'
import { newInviteCode, newMemberId, type MemberRepo } from './member.repo'

export interface RegistrationInput {
  /** The identity that logs in: `wx:<openid>` or `dev:<name>`. */
  identity: string
  nickname: string
  channel: string
  openid?: string
  /** Extra identities that must stay unique to one member (WeChat unionid). */
  linkedIdentities?: string[]
  inviterCode?: string
  now: Date
}

/** Runs after a member is created (welcome gift, referral attribution); each must be idempotent. */
export type RegistrationHook = (member: MemberDoc, input: RegistrationInput) => Promise<void>

// The card shows a member row at most this old when another process changed it (tier, phone);
// the process that changes a row forgets it at once. Sized for the active members of a large mall.
const CARD_CACHE_MS = 30_000
const CARD_CACHE_SIZE = 50_000

/**
 * Refuses earning, spending and claiming for a member an operator froze (checked on the member row
 * the path reads anyway, so it costs no round trip; another process's cached row can lag by seconds).
 */
export function refuseIfFrozen(member: Pick<MemberDoc, 'frozen'>): void {
  if (member.frozen) throw new DomainError('MEMBER.FROZEN', 'member account frozen')
}

export class MemberService {
  private readonly cardRows = new TtlCache<MemberDoc>(CARD_CACHE_MS, CARD_CACHE_SIZE)

  constructor(
    private readonly repo: MemberRepo,
    private readonly ledger: LedgerService,
    private readonly hooks: RegistrationHook[] = [],
    private readonly rules: { current(): Promise<{ tiers: TierDefinition[] }> } = {
      current: async () => ({ tiers: DEFAULT_TIERS }),
    },
  ) {}

  /** Adds a hook (features that are built after the member service, like referrals). */
  onRegistered(hook: RegistrationHook): void {
    this.hooks.push(hook)
  }

  async get(memberId: string): Promise<MemberDoc> {
    const member = await this.repo.findById(memberId)
    if (!member) throw new DomainError('MEMBER.NOT_FOUND', 'member not found')
    return member
  }

  /** A member the console may still act on: an erased account (注销账号) is refused, 409 MEMBER.ERASED. */
  async getUnerased(memberId: string): Promise<MemberDoc> {
    const member = await this.get(memberId)
    if (member.erasedAt) throw new DomainError('MEMBER.ERASED', 'member account erased')
    return member
  }

  /**
   * Returns the member holding `identity`, creating one on first login. Order matters for crash
   * safety and races: the member row is written first (a crash leaves only an unreachable row),
   * then the identity is claimed by a unique insert; the loser of a race deletes its own row.
   */
  async findOrRegister(input: RegistrationInput): Promise<{ member: MemberDoc; isNew: boolean }> {
    const existingId = await this.repo.memberIdForIdentity(input.identity)
    if (existingId) {
      const member = await this.get(existingId)
      await this.runHooks(member, input) // repairs a crash between registration and its gifts
      return { member, isNew: false }
    }
    const member = await this.insertFreshMember(input, await this.attributableInviter(input))
    if (!(await this.repo.claimIdentity(input.identity, member._id, input.now))) {
      await this.repo.deleteMember(member._id)
      const winnerId = await this.repo.memberIdForIdentity(input.identity)
      return { member: await this.get(winnerId!), isNew: false }
    }
    for (const linked of input.linkedIdentities ?? []) await this.repo.claimIdentity(linked, member._id, input.now)
    await this.runHooks(member, input)
    return { member, isNew: true }
  }

  /**
   * The member row for display and for rules that tolerate a few seconds of staleness from other
   * processes (the tier multiplier of a purchase); changes made here invalidate it at once.
   */
  getForDisplay(memberId: string): Promise<MemberDoc> {
    return this.cardRows.get(memberId, () => this.get(memberId))
  }

  async card(memberId: string): Promise<MemberCard> {
    return (await this.cardWithHead(memberId)).card
  }

  /** The card and the wallet head its balance comes from (a staff member's scan hands it to the award). */
  async cardWithHead(memberId: string): Promise<{ card: MemberCard; head: WalletHead }> {
    const member = await this.getForDisplay(memberId)
    // The row carries the wallet's head hint: a cold card is this read and one probe.
    const [head, { tiers }] = await Promise.all([
      this.ledger.head(memberId, member.walletHint ?? null),
      this.rules.current(),
    ])
    const { state } = head
    const tier = tierByLevel(tiers, member.tierLevel)
    const card: MemberCard = {
      memberId: member._id,
      memberNo: member._id,
      nickname: member.nickname,
      tier: { level: tier.level, name: tier.name },
      pointsBalance: state.balance,
      phoneMasked: maskPhone(member.phone),
      joinedAt: member.joinedAt.toISOString(),
      birthday: member.birthday ?? null,
    }
    return { card, head }
  }

  /** Birthday gifts depend on it, so a member sets it once; later changes go through the service desk. */
  async setBirthday(memberId: string, birthday: string, now: Date): Promise<void> {
    await this.get(memberId)
    const set = await this.repo.setBirthdayOnce(memberId, birthday, now)
    this.cardRows.invalidate(memberId)
    if (!set) throw new DomainError('MEMBER.BIRTHDAY_ALREADY_SET', 'birthday already set')
  }

  /** Upgrades take effect at once; `$max` never lowers a tier (downgrades are the monthly job's). */
  async raiseTier(memberId: string, level: number): Promise<void> {
    await this.repo.raiseTierLevel(memberId, level)
    this.cardRows.invalidate(memberId)
  }

  /** The freeze chain's state on the row (member-admin decides it); this process forgets its cached row. */
  async setFrozen(memberId: string, frozen: boolean): Promise<void> {
    await this.repo.setFrozen(memberId, frozen)
    this.cardRows.invalidate(memberId)
  }

  async setTier(memberId: string, level: number): Promise<void> {
    await this.repo.setTierLevel(memberId, level)
    this.cardRows.invalidate(memberId)
  }

  async changeTags(memberId: string, add: string[], remove: string[]): Promise<void> {
    await this.repo.changeTags(memberId, add, remove)
    this.cardRows.invalidate(memberId)
  }

  /** Binds a verified phone number; one member per phone, enforced by the identity key. */
  async bindPhone(memberId: string, phone: string, now: Date): Promise<string> {
    const holder = await this.repo.memberIdForIdentity(`phone:${phone}`)
    if (holder && holder !== memberId) throw new DomainError('MEMBER.PHONE_TAKEN', 'phone bound to another member')
    if (!holder && !(await this.repo.claimIdentity(`phone:${phone}`, memberId, now))) {
      throw new DomainError('MEMBER.PHONE_TAKEN', 'phone bound to another member')
    }
    await this.repo.setPhone(memberId, phone)
    this.cardRows.invalidate(memberId)
    return maskPhone(phone)!
  }

  /**
   * The effects of an unbinding someone already decided (docs/privacy.md): the phone identity is
   * released first, then the row's cache cleared; both are safe to repeat after a crash.
   */
  async releasePhone(memberId: string, phone: string): Promise<void> {
    await this.repo.releaseIdentity(`phone:${phone}`, memberId)
    await this.repo.clearPhone(memberId, phone)
    this.cardRows.invalidate(memberId)
  }

  /** When this member's phone binding was made (its identity row), null when the row is gone. */
  async phoneBoundAt(memberId: string, phone: string): Promise<Date | null> {
    const row = await this.repo.identity(`phone:${phone}`)
    return row && row.memberId === memberId ? new Date(row.createdAt) : null
  }

  /** 注销账号's last step (account-deletion): identities released, personal fields erased, tier lost. */
  async erase(memberId: string, at: Date): Promise<void> {
    await this.repo.eraseMember(memberId, ERASED_MEMBER_NICKNAME, at)
    this.cardRows.invalidate(memberId)
  }

  /**
   * The inviter a new member is attributed to, decided once, when the member row is created:
   * unknown codes are ignored, and an inviter who is the same WeChat user (unionid) is refused.
   */
  private async attributableInviter(input: RegistrationInput): Promise<string | null> {
    if (!input.inviterCode) return null
    const inviterId = await this.repo.memberIdForIdentity(`invite:${input.inviterCode}`)
    if (!inviterId) return null
    for (const linked of input.linkedIdentities ?? []) {
      if ((await this.repo.memberIdForIdentity(linked)) === inviterId) return null
    }
    return inviterId
  }

  private async insertFreshMember(input: RegistrationInput, inviterId: string | null): Promise<MemberDoc> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const doc: MemberDoc = {
        _id: newMemberId(),
        nickname: input.nickname,
        tierLevel: 1,
        phone: null,
        openid: input.openid ?? null,
        inviteCode: newInviteCode(),
        source: { channel: inviterId ? 'invite' : input.channel, inviterId },
        joinedAt: input.now,
        bookHint: 0, // an empty coupon book, known without a probe (coupon-book.ts)
      }
      if (!(await this.repo.insertMember(doc))) continue // member number taken: draw another
      if (await this.repo.claimIdentity(`invite:${doc.inviteCode}`, doc._id, input.now)) return doc
      await this.repo.deleteMember(doc._id) // invite code taken: start over with fresh draws
    }
    throw new DomainError('INTERNAL', 'could not allocate a member number')
  }

  private async runHooks(member: MemberDoc, input: RegistrationInput): Promise<void> {
    for (const hook of this.hooks) await hook(member, input)
  }
}
