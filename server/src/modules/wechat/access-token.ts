import { Schema, type Connection, type Model } from 'mongoose'
import { findById, updateById } from '../../db/by-id'
import { getModel, insertOnce } from '../../db/connect'
import { sleep } from '../../lib/keyed-mutex'

/**
 * WeChat's access token, one for every server process: WeChat keeps a single current token per
 * app, and a process that refreshes it on its own (force_refresh) cuts off the token the others hold.
 *
 * Each token the app fetched is a row `wechat-token:<generation>`, inserted once; the newest
 * generation is the token. A process that finds it due (or is told 40001/42001 by WeChat) refreshes
 * under a lease `wechat-token:<generation+1>:lease<attempt>`: a unique insert, so exactly one
 * process calls cgi-bin/stable_token for a generation, and the others keep using the current token
 * while it is valid or wait for the new row. A lease whose holder died is taken over (the next
 * attempt) after LEASE_MS. The `wechat-token:head` row points at the newest generation, a hint:
 * readers probe past it. Tokens live only here and in memory: never in a response or a log line.
 */
interface WechatTokenDoc {
  _id: string
  gen: number
  token?: string
  expiresAt?: Date
  at: Date
}

const schema = new Schema<WechatTokenDoc>(
  { _id: String, gen: Number, token: String, expiresAt: Date, at: Date },
  { versionKey: false, collection: 'wechat_tokens' },
)

export const wechatTokenModel = (conn: Connection): Model<WechatTokenDoc> => getModel(conn, 'WechatToken', schema)

export interface AccessToken {
  gen: number
  value: string
  expiresAt: number
}

/** What WeChat answered: the token and its remaining life in seconds. */
export type FetchStableToken = (forceRefresh: boolean) => Promise<{ token: string; expiresIn: number }>

// Normal mode hands out a new token in the current one's last 5 minutes: a token with less left
// than this is renewed (the margin keeps a request's latency from landing before WeChat's window).
const RENEW_BEFORE_MS = 270_000
// A token this close to its end is not used for a new call (it could expire on the way).
const USABLE_FOR_MS = 10_000
const LEASE_MS = 10_000
const POLL_MS = 50

const HEAD = 'wechat-token:head'

/** A token row as the token (lease rows have none). */
function stored(row: WechatTokenDoc): AccessToken | null {
  if (!row.token || !row.expiresAt) return null
  return { gen: row.gen, value: row.token, expiresAt: new Date(row.expiresAt).getTime() }
}
const tokenId = (gen: number) => `wechat-token:${gen}`
const leaseId = (gen: number, attempt: number) => `wechat-token:${gen}:lease${attempt}`

export class SharedAccessToken {
  private cached: AccessToken | null = null
  /** one refresh at a time in this process; concurrent callers share it */
  private inflight: Promise<AccessToken> | null = null

  constructor(
    private readonly Token: Model<WechatTokenDoc>,
    private readonly fetchStable: FetchStableToken,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The current token: this process's copy while it is fresh, else the stored one, else a refresh. */
  async get(): Promise<AccessToken> {
    const cached = this.cached
    if (cached && cached.expiresAt - this.nowMs() > RENEW_BEFORE_MS) return cached
    return this.once(async () => {
      const newest = await this.newest()
      if (newest && newest.expiresAt - this.nowMs() > RENEW_BEFORE_MS) return newest
      return this.refresh(newest?.gen ?? 0, false, newest)
    })
  }

  /**
   * WeChat refused `stale` (40001: not the current token; 42001: expired). Another process may
   * have replaced it already; otherwise one process fetches a new one — forced for 40001 (normal
   * mode would hand the refused token back), normal mode for an expired one.
   */
  async replace(stale: AccessToken, errcode: number): Promise<AccessToken> {
    return this.once(async () => {
      const newest = await this.newest()
      if (newest && newest.gen > stale.gen && this.usable(newest)) return newest
      return this.refresh(Math.max(stale.gen, newest?.gen ?? 0), errcode === 40001, null)
    })
  }

  private async once(work: () => Promise<AccessToken>): Promise<AccessToken> {
    if (!this.inflight) {
      this.inflight = work()
        .then((token) => (this.cached = token))
        .finally(() => (this.inflight = null))
    }
    return this.inflight
  }

  private usable(t: AccessToken): boolean {
    return t.expiresAt - this.nowMs() > USABLE_FOR_MS
  }

  /** The newest stored generation: from the head hint, probing forward past rows it does not know. */
  private async newest(): Promise<AccessToken | null> {
    let gen = (await findById<WechatTokenDoc>(this.Token, HEAD))?.gen ?? 0
    let row = gen > 0 ? await findById<WechatTokenDoc>(this.Token, tokenId(gen)) : null
    for (;;) {
      const next = await findById<WechatTokenDoc>(this.Token, tokenId(gen + 1))
      if (!next) break
      gen += 1
      row = next
    }
    return row ? stored(row) : null
  }

  /**
   * Generation `after + 1`: fetched by the process whose lease insert wins, read by the others.
   * `fallback`: the token in use, which losers keep using while it is still valid.
   */
  private async refresh(after: number, force: boolean, fallback: AccessToken | null): Promise<AccessToken> {
    const gen = after + 1
    for (let attempt = 1; ; attempt++) {
      if (await insertOnce(this.Token, { _id: leaseId(gen, attempt), gen, at: new Date(this.nowMs()) })) {
        return this.fetchAs(gen, attempt, force)
      }
      if (fallback && this.usable(fallback)) return fallback
      const lease = await findById<WechatTokenDoc>(this.Token, leaseId(gen, attempt))
      const until = (lease ? new Date(lease.at).getTime() : this.nowMs()) + LEASE_MS
      while (this.nowMs() < until) {
        const row = await findById<WechatTokenDoc>(this.Token, tokenId(gen))
        const token = row && stored(row)
        if (token) return token
        // The holder gave its lease back (WeChat failed it): take the next attempt at once.
        if (!(await findById<WechatTokenDoc>(this.Token, leaseId(gen, attempt)))) break
        await sleep(POLL_MS)
      }
    }
  }

  private async fetchAs(gen: number, attempt: number, force: boolean): Promise<AccessToken> {
    let fetched: { token: string; expiresIn: number }
    try {
      fetched = await this.fetchStable(force)
    } catch (err) {
      await this.Token.deleteOne({ _id: leaseId(gen, attempt) })
        .exec()
        .catch(() => undefined)
      throw err
    }
    const token: AccessToken = { gen, value: fetched.token, expiresAt: this.nowMs() + fetched.expiresIn * 1000 }
    const at = new Date(this.nowMs())
    const row = { _id: tokenId(gen), gen, token: token.value, expiresAt: new Date(token.expiresAt), at }
    if (!(await insertOnce(this.Token, row))) {
      // A holder we took the lease over from finished after all: its row is the generation.
      const theirs = await findById<WechatTokenDoc>(this.Token, tokenId(gen))
      const first = theirs && stored(theirs)
      if (first) return first
    }
    await updateById(this.Token, HEAD, { $max: { gen } }, { upsert: true })
    return token
  }
}
