import { Schema, type Connection, type Model } from 'mongoose'
import { findById, updateById } from './by-id'
import { getModel, insertOnce } from './connect'

/**
 * Data changes between releases, run once per database in order by `npm run db:migrate` at deploy.
 * Each applied migration is a row `_id` = its id in `schema_migrations`, inserted before it runs (so
 * two deploys at once cannot both run it) and marked done after. A migration that started and never
 * finished stops the runner until an operator has looked: migrations are written to be safe to run
 * again (keyed writes, $set of derived fields), and `--retry <id>` runs it once more.
 *
 * Why hand-written and not migrate-mongo: its lock is a single `changelog_lock` row written with
 * updateOne, which the embedded database runs without locking (research/ferretdb-v1-notes.md), and it
 * brings its own config file and connection; this runner is 60 lines on the app's connection and keys.
 */
export interface Migration {
  id: string
  description: string
  up(conn: Connection): Promise<void>
}

interface MigrationDoc {
  _id: string
  description: string
  startedAt: Date
  doneAt?: Date
}

const schema = new Schema<MigrationDoc>(
  { _id: String, description: String, startedAt: Date, doneAt: Date },
  { versionKey: false, collection: 'schema_migrations' },
)
const migrationModel = (conn: Connection): Model<MigrationDoc> => getModel(conn, 'SchemaMigration', schema)

export class MigrationStuck extends Error {}

/**
 * Runs the migrations not yet applied, in order; returns the ids it ran. `waitForOthersMs` (boot, where
 * several instances start at once): a migration another process started less than this long ago is
 * waited for instead of refused; 0 (deploy) refuses at once.
 */
export async function migrate(
  conn: Connection,
  migrations: Migration[],
  retry?: string,
  waitForOthersMs = 0,
): Promise<string[]> {
  const Row = migrationModel(conn)
  const ran: string[] = []
  for (const m of migrations) {
    const row = await findById<MigrationDoc>(Row, m.id)
    if (row?.doneAt) continue
    const ours = row
      ? retry === m.id
      : await insertOnce(Row, { _id: m.id, description: m.description, startedAt: new Date() })
    if (!ours) {
      if (await finishedByAnother(Row, m.id, waitForOthersMs)) continue
      throw new MigrationStuck(
        row
          ? `migration ${m.id} started ${row.startedAt.toISOString()} and did not finish: ` +
              `check the data, then run npm run db:migrate -- --retry ${m.id}`
          : `migration ${m.id} is being run by another deploy`,
      )
    }
    await m.up(conn)
    await updateById(Row, m.id, { $set: { doneAt: new Date() } })
    ran.push(m.id)
  }
  return ran
}

/** Whether the migration another process started is done within `waitMs` of its start. */
async function finishedByAnother(Row: Model<MigrationDoc>, id: string, waitMs: number): Promise<boolean> {
  if (waitMs <= 0) return false
  for (;;) {
    const row = await findById<MigrationDoc>(Row, id)
    if (row?.doneAt) return true
    if (!row || Date.now() - new Date(row.startedAt).getTime() > waitMs) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** What has been applied (newest last). */
export async function appliedMigrations(conn: Connection): Promise<MigrationDoc[]> {
  return migrationModel(conn).find({}).sort({ _id: 1 }).lean<MigrationDoc[]>().exec()
}
