import { randomInt } from 'node:crypto'
import type { Connection } from 'mongoose'
import { findById, updateById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { KeyedMutex } from '../../lib/keyed-mutex'
import type { CouponBookHints } from '../coupons/coupon-book'
import type { WalletHead, WalletHintStore } from '../ledger/ledger.service'
import { memberModels, type MemberDoc, type MemberFactDoc, type MemberModels } from './member.model'

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789' // no 0/O/1/I: codes get read aloud and typed

export function newMemberId(): string {
  return String(randomInt(10_000_000, 100_000_000))
}

export function newInviteCode(): string {
  let code = ''
  for (let i = 0; i < 8; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]
  return code
}

/**
 * The member rows, and the only writer of them. The row also carries the wallet and coupon book
 * hints (written often) next to the member's own fields (tier, phone, birthday, tags: written
 * rarely). On MongoDB an update of some fields never touches the others. FerretDB applies an update
 * by reading the row, changing it in Go and writing all of it back, so a hint write racing a tier
 * change could put the old tier back: every write of a row therefore goes through one queue per
 * member in this process. FerretDB is the single-process database (development, demo, tests);
 * production runs MongoDB.
 */
export class MemberRepo implements WalletHintStore, CouponBookHints {
  private readonly m: MemberModels
  private readonly rowWrites = new KeyedMutex()
  constructor(conn: Connection) {
    this.m = memberModels(conn)
  }

  private write<T>(memberId: string, change: () => Promise<T>): Promise<T> {
    return this.rowWrites.run(memberId, change)
  }

  findById(memberId: string): Promise<MemberDoc | null> {
    return findById<MemberDoc>(this.m.Member, memberId)
  }

  async memberIdForIdentity(identity: string): Promise<string | null> {
    const row = await this.m.MemberIdentity.findById(identity).lean().exec()
    return row?.memberId ?? null
  }

  /** Claims an identity for a member; false when another member already holds it. */
  claimIdentity(identity: string, memberId: string, now: Date): Promise<boolean> {
    return insertOnce(this.m.MemberIdentity, { _id: identity, memberId, createdAt: now })
  }

  /** Inserts a member; false if the number is taken (the caller picks another and retries). */
  insertMember(doc: MemberDoc): Promise<boolean> {
    return insertOnce(this.m.Member, doc as unknown as Record<string, unknown>)
  }

  async deleteMember(memberId: string): Promise<void> {
    await this.m.Member.deleteOne({ _id: memberId }).exec()
  }

  async setPhone(memberId: string, phone: string): Promise<void> {
    await this.write(memberId, () => updateById(this.m.Member, memberId, { $set: { phone } }))
  }

  /** Clears the phone if it is still the one being unbound, so a binding made meanwhile stays. */
  async clearPhone(memberId: string, phone: string): Promise<void> {
    await this.write(memberId, () =>
      this.m.Member.updateOne({ _id: memberId, phone }, { $set: { phone: null } }).exec(),
    )
  }

  /** Gives up an identity this member holds, so the next claim of it (by anyone) can win. */
  async releaseIdentity(identity: string, memberId: string): Promise<void> {
    await this.m.MemberIdentity.deleteOne({ _id: identity, memberId }).exec()
  }

  identity(identity: string): Promise<{ memberId: string; createdAt: Date } | null> {
    return this.m.MemberIdentity.findById(identity).lean<{ memberId: string; createdAt: Date }>().exec()
  }

  /**
   * Sets the birthday if none is on file; false if one already is. The insert of `<member>:birthday`
   * decides; the row's field is written after it, and again from the fact if a crash lost that write.
   */
  async setBirthdayOnce(memberId: string, birthday: string, now: Date): Promise<boolean> {
    const id = `${memberId}:birthday`
    const won = await insertOnce(this.m.Fact, { _id: id, memberId, value: birthday, at: now })
    const fact = won ? { value: birthday } : await findById<MemberFactDoc>(this.m.Fact, id)
    if (fact) await this.write(memberId, () => updateById(this.m.Member, memberId, { $set: { birthday: fact.value } }))
    return won
  }

  async raiseTierLevel(memberId: string, tierLevel: number): Promise<void> {
    await this.write(memberId, () => updateById(this.m.Member, memberId, { $max: { tierLevel } }))
  }

  async setFrozen(memberId: string, frozen: boolean): Promise<void> {
    await this.write(memberId, () => updateById(this.m.Member, memberId, { $set: { frozen } }))
  }

  async setTierLevel(memberId: string, tierLevel: number): Promise<void> {
    await this.write(memberId, () => updateById(this.m.Member, memberId, { $set: { tierLevel } }))
  }

  /** Operator tags: targeted `$addToSet` / `$pullAll` by exact value (both run on FerretDB and MongoDB). */
  async changeTags(memberId: string, add: string[], remove: string[]): Promise<void> {
    await this.write(memberId, async () => {
      if (add.length) await updateById(this.m.Member, memberId, { $addToSet: { tags: { $each: add } } })
      if (remove.length) await updateById(this.m.Member, memberId, { $pullAll: { tags: remove } })
    })
  }

  /**
   * 注销账号: every identity the member holds is released (WeChat openid and unionid, phone, dev name, invite
   * code), so the same person registers as a new member; then the row keeps no personal data. Both repeatable.
   */
  async eraseMember(memberId: string, nickname: string, erasedAt: Date): Promise<void> {
    await this.m.MemberIdentity.deleteMany({ memberId }).exec()
    await this.m.Fact.deleteMany({ memberId }).exec()
    await this.write(memberId, () =>
      updateById(this.m.Member, memberId, {
        $set: { nickname, phone: null, openid: null, birthday: null, tierLevel: 1, erasedAt },
        $unset: { tags: 1 },
      }),
    )
  }

  async walletHint(memberId: string): Promise<WalletHead | null> {
    return (
      (await findById<Pick<MemberDoc, 'walletHint'>>(this.m.Member, memberId, { walletHint: 1 }))?.walletHint ?? null
    )
  }

  /** No upsert: a posting for a member without a row (tests) keeps no hint, its readers probe from the start. */
  async storeWalletHint(memberId: string, head: WalletHead): Promise<void> {
    await this.write(memberId, () =>
      updateById(this.m.Member, memberId, { $set: { walletHint: { seq: head.seq, state: head.state } } }),
    )
  }

  async bookHint(memberId: string): Promise<number | null> {
    return (await findById<Pick<MemberDoc, 'bookHint'>>(this.m.Member, memberId, { bookHint: 1 }))?.bookHint ?? null
  }

  async raiseBookHint(memberId: string, count: number): Promise<void> {
    await this.write(memberId, () => updateById(this.m.Member, memberId, { $max: { bookHint: count } }))
  }
}
