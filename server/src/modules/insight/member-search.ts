import { trusted, type Model } from 'mongoose'
import { WITHOUT_HINTS, type MemberDoc } from '../members/member.model'

export interface Paged<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

export const page = <T>(rows: T[], q: { page: number; pageSize: number }): Paged<T> => ({
  items: rows.slice((q.page - 1) * q.pageSize, q.page * q.pageSize),
  total: rows.length,
  page: q.page,
  pageSize: q.pageSize,
})

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const newestFirst = (a: MemberDoc, b: MemberDoc) =>
  new Date(b.joinedAt).getTime() - new Date(a.joinedAt).getTime() || (a._id < b._id ? -1 : 1)

/**
 * The console's member search. Digits: member number (exact for 8 digits, the `_id` fast path; else
 * prefix) or the end of the phone number (4+ digits). Anything else: part of the nickname. Empty:
 * everyone, newest first.
 */
export async function findMembers(
  Member: Model<MemberDoc>,
  q: { q?: string; page: number; pageSize: number },
): Promise<Paged<MemberDoc>> {
  const text = q.q?.trim() ?? ''
  if (!text) {
    const [items, total] = await Promise.all([
      Member.find({}, WITHOUT_HINTS)
        .sort({ joinedAt: -1, _id: 1 })
        .skip((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .lean<MemberDoc[]>()
        .exec(),
      Member.countDocuments({}).exec(),
    ])
    return { items, total, page: q.page, pageSize: q.pageSize }
  }
  if (/^\d+$/.test(text)) {
    const [byNumber, byPhone] = await Promise.all([
      text.length === 8
        ? Member.find({ _id: text }, WITHOUT_HINTS).lean<MemberDoc[]>().exec()
        : Member.find({ _id: trusted({ $regex: `^${text}` }) }, WITHOUT_HINTS)
            .lean<MemberDoc[]>()
            .exec(),
      text.length >= 4
        ? Member.find({ phone: trusted({ $regex: `${text}$` }) }, WITHOUT_HINTS)
            .lean<MemberDoc[]>()
            .exec()
        : Promise.resolve([] as MemberDoc[]),
    ])
    const unique = new Map([...byNumber, ...byPhone].map((m) => [m._id, m]))
    return page([...unique.values()].sort(newestFirst), q)
  }
  const rows = await Member.find({ nickname: trusted({ $regex: escapeRegex(text), $options: 'i' }) }, WITHOUT_HINTS)
    .lean<MemberDoc[]>()
    .exec()
  return page(rows.sort(newestFirst), q)
}
