import { appliedMigrations, migrate, MigrationStuck } from '../db/migrations'
import { MIGRATIONS } from '../db/migration-list'
import { openCliContext } from './cli-context'

/** `npm run db:migrate [-- --retry <id>]`: the data migrations not yet applied, in order (db/migrations.ts). */
async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const retry = args[0] === '--retry' ? args[1] : undefined
  const cli = await openCliContext()
  try {
    const ran = await migrate(cli.conn, MIGRATIONS, retry)
    for (const id of ran) process.stdout.write(`applied ${id}\n`)
    const applied = await appliedMigrations(cli.conn)
    process.stdout.write(`${ran.length} applied now, ${applied.length} in all\n`)
  } finally {
    await cli.close()
  }
}

main().catch((err) => {
  process.stderr.write(err instanceof MigrationStuck ? `${err.message}\n` : `failed: ${err?.stack ?? err}\n`)
  process.exit(1)
})
