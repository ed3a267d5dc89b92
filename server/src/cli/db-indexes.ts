import { openCliContext } from './cli-context'

/**
 * `npm run db:indexes`: builds every model's indexes once, at deploy, before the new instances start
 * (production instances skip index builds at boot: DB_INDEXES=skip). Safe to run again: existing
 * indexes are left as they are.
 */
async function main(): Promise<void> {
  const cli = await openCliContext({ autoIndex: false })
  try {
    for (const model of Object.values(cli.conn.models).sort((a, b) => a.modelName.localeCompare(b.modelName))) {
      await model.createCollection().catch(() => undefined) // exists already
      await model.createIndexes()
      process.stdout.write(`${model.collection.collectionName}: ${model.schema.indexes().length} index(es)\n`)
    }
  } finally {
    await cli.close()
  }
}

main().catch((err) => {
  process.stderr.write(`failed: ${err?.stack ?? err}\n`)
  process.exit(1)
})
