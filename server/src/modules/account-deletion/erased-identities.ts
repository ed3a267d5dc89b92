import { createHmac } from 'node:crypto'
import { Schema, trusted, type Connection, type Model } from 'mongoose'
import { getModel, insertOnce } from '../../db/connect'

/**
 * Which WeChat users and phone numbers belonged to an erased account, kept only as a keyed hash (HMAC-SHA256
 * under the server's secret: the identity cannot be read back from it) so that the same person registering
 * again gets no second welcome gift. Nothing else about the erased member is kept with it.
 */
interface ErasedIdentityDoc {
  _id: string
  at: Date
}

const schema = new Schema<ErasedIdentityDoc>(
  { _id: String, at: Date },
  { versionKey: false, collection: 'erased_identities' },
)

/** Identity kinds that name a person; dev names and invite codes do not. */
const PERSONAL = /^(wx|unionid|phone):/

export class ErasedIdentities {
  private readonly Row: Model<ErasedIdentityDoc>

  constructor(
    conn: Connection,
    private readonly secret: string,
  ) {
    this.Row = getModel(conn, 'ErasedIdentity', schema)
  }

  private key(identity: string): string {
    return createHmac('sha256', this.secret).update(identity).digest('hex')
  }

  /** Recorded before the identities are released; repeatable (each row is an insert of its own key). */
  async record(identities: string[], at: Date): Promise<void> {
    for (const identity of identities.filter((i) => PERSONAL.test(i)))
      await insertOnce(this.Row, { _id: this.key(identity), at })
  }

  /** Whether any of these identities belonged to an erased account. */
  async any(identities: string[]): Promise<boolean> {
    const keys = identities.filter((i) => PERSONAL.test(i)).map((i) => this.key(i))
    if (keys.length === 0) return false
    return (await this.Row.countDocuments({ _id: trusted({ $in: keys }) }).exec()) > 0
  }
}
