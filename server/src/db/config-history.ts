import { isDeepStrictEqual } from 'node:util'
import { Schema, type Connection, type Model } from 'mongoose'
import type { ConfigKind, ConfigVersionView } from '@mall/shared'
import { AppendChain } from './append-chain'
import { getModel } from './connect'
import { updateIf } from './guarded-write'
import { DomainError } from '../errors/domain-error'

/** One change of one entity's configuration. Append-only; `_id` = `<kind>:<entityId>:<version>`. */
type ConfigVersionDoc = {
  _id: string
  kind: ConfigKind
  entityId: string
  /** per entity: 1, 2, 3… */
  version: number
  changedBy: string
  changedAt: Date
  /** null for the version that created the entity */
  before: unknown
  after: unknown
  note: string
  /**
   * A new password hash, only until the change is applied (then removed): the change must be
   * replayable after a crash, but hashes never belong in the history or in any answer.
   */
  secret?: string
}

const versionSchema = new Schema<ConfigVersionDoc>(
  {
    _id: String,
    kind: String,
    entityId: String,
    version: Number,
    changedBy: String,
    changedAt: Date,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    note: String,
    secret: String,
  },
  { versionKey: false, collection: 'config_versions', minimize: false },
)

const HISTORY_LIMIT = 200
/** More unapplied versions than this in a row means apply() is not taking effect: a bug, not a crash. */
const MAX_ROLL_FORWARD = 20

/** An entity whose configuration is versioned; `configVersion` is the last version applied (absent = 0). */
export interface Versioned {
  _id: string
  configVersion?: number
}

/** What the history needs to know about one kind of entity. `S` is the recorded configuration. */
export interface ConfigSubject<E extends Versioned, S> {
  kind: ConfigKind
  load(id: string): Promise<E | null>
  notFound(id: string): DomainError
  /** the configuration fields recorded as before/after */
  snapshot(entity: E): S
  /** Writes `after` (and a new password hash) to the entity as `version`; idempotent (see writeVersion). */
  apply(id: string, after: S, version: number, secret: string | undefined): Promise<void>
}

export interface ChangeMeta {
  changedBy: string
  at: Date
  note: string
  secret?: string
}

const conflict = (kind: ConfigKind, id: string) =>
  new DomainError('CONFIG.VERSION_CONFLICT', `${kind} ${id} was changed by someone else`)

/**
 * Sets an entity's fields as version `version`, unless that or a later version is already there:
 * a slow writer must not undo a newer change that a roll-forward applied in the meantime.
 */
export function writeVersion<T>(
  model: Model<T>,
  id: string,
  version: number,
  set: Record<string, unknown>,
): Promise<boolean> {
  const guard = version === 1 ? { configVersion: null } : { configVersion: { $lt: version } }
  return updateIf(model, id, guard, { $set: { ...set, configVersion: version } })
}

/**
 * Configuration with history (stores, staff accounts, coupon templates). A change is first
 * recorded by inserting version n+1 under its deterministic `_id`, then applied to the entity. Two
 * operators editing from version n both try to insert n+1: the unique `_id` lets exactly one win,
 * the other gets CONFIG.VERSION_CONFLICT. A crash between insert and apply is repaired when the
 * entity is next read for a change (`current`): recorded versions not yet applied are rolled forward.
 * An entity's versions are a chain (db/append-chain.ts) keyed `<kind>:<entityId>`; the entity's
 * `configVersion` is its hint.
 */
export class ConfigHistory<E extends Versioned, S> {
  private readonly Version: Model<ConfigVersionDoc>
  private readonly versions: AppendChain<ConfigVersionDoc>

  constructor(
    conn: Connection,
    private readonly subject: ConfigSubject<E, S>,
  ) {
    this.Version = getModel(conn, 'ConfigVersion', versionSchema)
    this.versions = new AppendChain<ConfigVersionDoc>({
      model: this.Version,
      rowId: (entityId, version) => `${subject.kind}:${entityId}:${version}`,
    })
  }

  /** The entity with every recorded change applied; the subject's not-found error if there is none. */
  async current(id: string): Promise<E> {
    for (let rolled = 0; rolled <= MAX_ROLL_FORWARD; rolled++) {
      const entity = await this.subject.load(id)
      if (!entity) throw this.subject.notFound(id)
      const pending = await this.versions.row(id, (entity.configVersion ?? 0) + 1)
      if (!pending) return entity
      await this.applyRecorded(pending)
    }
    throw new DomainError('INTERNAL', `${this.subject.kind} ${id}: recorded versions do not apply`)
  }

  /** Records version 1 of an entity just created (with `configVersion: 1`). */
  async created(id: string, after: S, meta: ChangeMeta): Promise<void> {
    await this.versions.insertAt(id, 1, this.row(id, 1, null, after, meta))
  }

  /**
   * Changes an entity seen at version `seen` (undefined: whatever is current) to `edit(before)`.
   * Returns the entity as it is afterwards; an edit that changes nothing records no version.
   */
  async change(id: string, seen: number | undefined, edit: (before: S) => S, meta: ChangeMeta): Promise<E> {
    const entity = await this.current(id)
    const version = entity.configVersion ?? 0
    if (seen !== undefined && seen !== version) throw conflict(this.subject.kind, id)
    const before = this.subject.snapshot(entity)
    const after = edit(before)
    if (isDeepStrictEqual(before, after)) return entity
    const row = await this.versions.insertAt(id, version + 1, this.row(id, version + 1, before, after, meta))
    if (!row) throw conflict(this.subject.kind, id)
    await this.applyRecorded(row)
    return this.current(id)
  }

  /** Newest first; never the transient password hash. */
  async history(id: string): Promise<ConfigVersionView[]> {
    await this.current(id) // 404 for an unknown id, and applies anything a crash left recorded only
    const rows = await this.Version.find({ kind: this.subject.kind, entityId: id })
      .sort({ version: -1 })
      .limit(HISTORY_LIMIT)
      .lean<ConfigVersionDoc[]>()
      .exec()
    return rows.map((r) => ({
      kind: r.kind,
      entityId: r.entityId,
      version: r.version,
      changedBy: r.changedBy,
      changedAt: new Date(r.changedAt).toISOString(),
      before: r.before ?? null,
      after: r.after ?? null,
      note: r.note,
    }))
  }

  private async applyRecorded(row: ConfigVersionDoc): Promise<void> {
    await this.subject.apply(row.entityId, row.after as S, row.version, row.secret)
    if (row.secret !== undefined) await this.Version.updateOne({ _id: row._id }, { $unset: { secret: 1 } }).exec()
  }

  private row(
    id: string,
    version: number,
    before: S | null,
    after: S,
    meta: ChangeMeta,
  ): Omit<ConfigVersionDoc, '_id'> {
    const row: Omit<ConfigVersionDoc, '_id'> = {
      kind: this.subject.kind,
      entityId: id,
      version,
      changedBy: meta.changedBy,
      changedAt: meta.at,
      before,
      after,
      note: meta.note,
    }
    if (meta.secret !== undefined) row.secret = meta.secret
    return row
  }
}
