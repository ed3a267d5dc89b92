import { createHash } from 'node:crypto'
import type { Connection } from 'mongoose'

/**
 * A hash of every document in every collection (minus the audit log, which records refused
 * requests by design, WeChat's access token, fetched by a process's first WeChat call whatever
 * its outcome, and the rate limits' blocks, which count refused requests too by design: a caller
 * takes a new block whenever its last one is used up). Equal before and after a refused request =
 * the request changed nothing.
 */
export async function dbFingerprint(
  conn: Connection,
  exclude = ['staff_audit', 'wechat_tokens', 'rate_limit_blocks'],
): Promise<string> {
  const hash = createHash('sha256')
  const collections = (await conn.db!.listCollections().toArray())
    .map((c) => c.name)
    .filter((n) => !exclude.includes(n))
    .sort()
  for (const name of collections) {
    const docs = await conn.db!.collection(name).find({}).sort({ _id: 1 }).toArray()
    hash.update(name).update(JSON.stringify(docs))
  }
  return hash.digest('hex')
}
