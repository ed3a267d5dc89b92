import type { TestApi } from '../support/api-harness'
import { memberModels } from '../../server/src/modules/members/member.model'

/**
 * Load tests need thousands of members fast: insert them in bulk (no welcome posting) and sign
 * their access tokens directly, as the login route would.
 */
export async function insertMany(api: TestApi, count: number): Promise<string[]> {
  const { Member } = memberModels(api.conn)
  const now = api.clock.now()
  const base = 20_000_000 + Math.floor(Math.random() * 50_000_000)
  const docs = Array.from({ length: count }, (_, i) => ({
    _id: String(base + i),
    nickname: `load-${i}`,
    tierLevel: 1,
    phone: null,
    openid: null,
    inviteCode: `L${(base + i).toString(36).toUpperCase()}`,
    source: { channel: 'load', inviterId: null },
    joinedAt: now,
  }))
  for (let i = 0; i < docs.length; i += 1000)
    await Member.collection.insertMany(docs.slice(i, i + 1000) as never[], { ordered: false })
  return docs.map((d) => api.ctx.tokens.sign('member', { sub: d._id }, now).token)
}
