import { randomInt } from 'node:crypto'
import type { Connection } from 'mongoose'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { updateIf } from '../../db/guarded-write'
import { memberModels, type MemberDoc, type MemberModels } from './member.model'

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789' // no 0/O/1/I: codes get read aloud and typed

export function newMemberId(): string {
  return String(randomInt(10_000_000, 100_000_000))
}

export function newInviteCode(): string {
  let code = ''
  for (let i = 0; i < 8; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]
  return code
}

export class MemberRepo {
  private readonly m: MemberModels
  constructor(conn: Connection) {
    this.m = memberModels(conn)
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
    await this.m.Member.updateOne({ _id: memberId }, { $set: { phone } }).exec()
  }

  /** Sets the birthday if none is on file; false if one already is. */
  setBirthdayOnce(memberId: string, birthday: string): Promise<boolean> {
    return updateIf(this.m.Member, memberId, { birthday: null }, { $set: { birthday } })
  }

  async raiseTierLevel(memberId: string, tierLevel: number): Promise<void> {
    await this.m.Member.updateOne({ _id: memberId }, { $max: { tierLevel } }).exec()
  }

  async setTierLevel(memberId: string, tierLevel: number): Promise<void> {
    await this.m.Member.updateOne({ _id: memberId }, { $set: { tierLevel } }).exec()
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([this.m.Member.init(), this.m.MemberIdentity.init()])
  }
}
