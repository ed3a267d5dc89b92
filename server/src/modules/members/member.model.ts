import { Schema, type Connection, type Model } from 'mongoose'
import type { WalletState } from '@mall/shared'
import { getModel } from '../../db/connect'

/** A member. `_id` is the 8-digit member number: scans and cards look members up by `_id` only. */
export interface MemberDoc {
  _id: string
  nickname: string
  tierLevel: number
  phone: string | null
  /** WeChat openid for subscribe messages (null for H5/demo members) */
  openid: string | null
  inviteCode: string
  /** How the member joined: 'wechat' | 'dev' | 'invite' …, and who invited them if anyone. */
  source: { channel: string; inviterId: string | null }
  joinedAt: Date
  /** operator-assigned tags (人群标签); absent on members nobody has tagged */
  tags?: string[]
  /** 'YYYY-MM-DD', set once by the member (birthday gifts); changes go through the service desk */
  birthday?: string | null
  /**
   * Hints kept on the row every member read fetches anyway, so a cold card or coupon centre costs
   * this row plus one probe: the newest ledger entry's seq and state (written with a member's 1st,
   * 5th, 9th… entry) and the number of coupon book pointers. Readers probe forward from them, so a
   * lagging hint only costs reads (see MemberRepo for why writing them here is safe). `bookHint: 0`
   * says the book is empty: new rows start with it and a first claim raises it before its pointer.
   * Rows without it (older rows, bulk-loaded ones) are probed.
   */
  walletHint?: { seq: number; state: WalletState }
  bookHint?: number
  /**
   * Frozen by an operator: no earning, spending or claiming. A cache of the member's freeze chain
   * (member-admin); absent on members never frozen.
   */
  frozen?: boolean
  /** When the member's account was erased (注销账号, docs/privacy.md); the row then holds no personal data */
  erasedAt?: Date | null
}

/**
 * One row per external identity (`wx:<openid>`, `unionid:<id>`, `phone:<number>`, `dev:<name>`,
 * `invite:<code>`). The unique `_id` makes "one member per WeChat user / phone / invite code" an
 * insert that cannot race, instead of a lookup followed by a write.
 */
export interface MemberIdentityDoc {
  _id: string
  memberId: string
  createdAt: Date
}

const memberSchema = new Schema<MemberDoc>(
  {
    _id: { type: String, required: true },
    nickname: { type: String, required: true },
    tierLevel: { type: Number, required: true, default: 1 },
    phone: { type: String, default: null },
    openid: { type: String, default: null },
    inviteCode: { type: String, required: true },
    source: {
      channel: { type: String, required: true },
      inviterId: { type: String, default: null },
    },
    joinedAt: { type: Date, required: true },
    tags: { type: [String], default: undefined },
    birthday: { type: String, default: null },
    walletHint: { type: Schema.Types.Mixed, default: undefined },
    bookHint: { type: Number, default: undefined },
    frozen: { type: Boolean, default: undefined },
    erasedAt: { type: Date, default: undefined },
  },
  { versionKey: false, collection: 'members' },
)

const identitySchema = new Schema<MemberIdentityDoc>(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'member_identities' },
)

/**
 * A fact about a member that is set once, decided by its insert (`<member>:birthday`): the member row's
 * field is its cache, so two processes setting a birthday at once cannot both succeed.
 */
export interface MemberFactDoc {
  _id: string
  memberId: string
  value: string
  at: Date
}
const factSchema = new Schema<MemberFactDoc>(
  { _id: String, memberId: String, value: String, at: Date },
  { versionKey: false, collection: 'member_facts' },
)

/** Projection for scans and lists of members, which never need the hints (the wallet state is most of a row). */
export const WITHOUT_HINTS = { walletHint: 0, bookHint: 0 } as const

export interface MemberModels {
  Member: Model<MemberDoc>
  MemberIdentity: Model<MemberIdentityDoc>
  Fact: Model<MemberFactDoc>
}

export function memberModels(conn: Connection): MemberModels {
  return {
    Member: getModel(conn, 'Member', memberSchema),
    MemberIdentity: getModel(conn, 'MemberIdentity', identitySchema),
    Fact: getModel(conn, 'MemberFact', factSchema),
  }
}
