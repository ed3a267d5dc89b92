import mongoose from 'mongoose'

/**
 * Runs `work` and lists the database calls it made, as `collection.method` in order, through
 * mongoose's debug hook (which every collection call of the server passes). Nothing else may run
 * against the database meanwhile, or its calls are listed too.
 */
export async function databaseCalls<T>(work: () => PromiseLike<T>): Promise<{ result: T; calls: string[] }> {
  const calls: string[] = []
  mongoose.set('debug', (collection: string, method: string) => void calls.push(`${collection}.${method}`))
  try {
    return { result: await work(), calls }
  } finally {
    mongoose.set('debug', false)
  }
}
