import { randomBytes } from 'node:crypto'
import type { Connection, Model } from 'mongoose'
import {
  describeSegment,
  matchesSegment,
  type SegmentBody,
  type SegmentDefinition,
  type SegmentPreview,
  type SegmentVersionView,
  type SegmentView,
} from '@mall/shared'
import { AppendChain } from '../../db/append-chain'
import { DomainError } from '../../errors/domain-error'
import type { MemberInsightService, ProfiledMember } from './insight.service'
import { segmentVersionId, segmentVersionModel, type SegmentVersionDoc } from './segment.model'

const PREVIEW_SAMPLE = 50
/**
 * Interactive views (the preview while an operator edits, list and detail counts) accept population
 * data this old, read by this process (tag changes made here drop it at once); campaigns never do.
 */
const INTERACTIVE_MAX_AGE_MS = 15_000
const HISTORY_LIMIT = 200

export interface SegmentInput {
  name: string
  description: string
  definition: SegmentDefinition
  note: string
}

/**
 * Saved segments (人群分群): named member filters that operators create, edit and delete, each
 * change a version with who/when/before/after; preview; and `membersOf`, the member ids of a saved
 * segment right now, for campaigns (targeted coupon drops, win-back offers).
 */
export class SegmentService {
  private readonly Version: Model<SegmentVersionDoc>
  /** each segment's versions, a chain (db/append-chain.ts); a save names the version it read */
  private readonly versions: AppendChain<SegmentVersionDoc>

  constructor(
    conn: Connection,
    private readonly insight: MemberInsightService,
  ) {
    this.Version = segmentVersionModel(conn)
    this.versions = new AppendChain<SegmentVersionDoc>({ model: this.Version, rowId: segmentVersionId })
  }

  /**
   * The ids of the members in saved segment `segmentId` as of `now`, sorted by member number.
   * Throws SEGMENT.NOT_FOUND (404) for an unknown or deleted segment. Evaluated on every call (no
   * snapshot): a campaign that runs daily sees members enter and leave the segment.
   */
  async membersOf(segmentId: string, now: Date): Promise<string[]> {
    const { after } = await this.current(segmentId)
    return (await this.matching(after.definition, now)).map((p) => p.member._id)
  }

  /** A saved segment's name and its members as of `now`, by member number (the console's member export). */
  async exportable(segmentId: string, now: Date): Promise<{ name: string; members: ProfiledMember[] }> {
    const { after } = await this.current(segmentId)
    return { name: after.name, members: await this.matching(after.definition, now) }
  }

  /** The current definition of a saved segment; null when unknown or deleted (no population read). */
  async definitionOf(segmentId: string): Promise<SegmentDefinition | null> {
    return (await this.versionsOf(segmentId))[0]?.after?.definition ?? null
  }

  /** Members matching a definition as of `now`, profiled, by member number (fresh data). */
  async matching(definition: SegmentDefinition, now: Date): Promise<ProfiledMember[]> {
    return (await this.insight.population(now)).filter((p) => matchesSegment(p.profile, definition))
  }

  async preview(definition: SegmentDefinition, now: Date): Promise<SegmentPreview> {
    const { people, dataAgeMs } = await this.insight.populationRead(now, { maxAgeMs: INTERACTIVE_MAX_AGE_MS })
    const matched = people.filter((p) => matchesSegment(p.profile, definition))
    return {
      count: matched.length,
      population: people.length,
      asOf: now.toISOString(),
      dataAgeSeconds: Math.round(dataAgeMs / 1000),
      sample: matched.slice(0, PREVIEW_SAMPLE).map((p) => this.insight.row(p)),
    }
  }

  /** Every live segment with its member count now. */
  async list(now: Date): Promise<SegmentView[]> {
    const versions = await this.Version.find({}).lean<SegmentVersionDoc[]>().exec()
    const bySegment = new Map<string, SegmentVersionDoc[]>()
    for (const v of versions) bySegment.set(v.segmentId, [...(bySegment.get(v.segmentId) ?? []), v])
    const live = [...bySegment.values()]
      .map((vs) => vs.sort((a, b) => b.version - a.version))
      .filter((vs) => vs[0]!.after !== null)
    const people = live.length ? await this.insight.population(now, { maxAgeMs: INTERACTIVE_MAX_AGE_MS }) : []
    return live
      .map((vs) => ({
        ...view(vs),
        count: people.filter((p) => matchesSegment(p.profile, vs[0]!.after!.definition)).length,
      }))
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
  }

  async get(segmentId: string, now: Date): Promise<SegmentView & { history: SegmentVersionView[] }> {
    const versions = await this.versionsOf(segmentId)
    if (!versions[0]?.after) throw new DomainError('SEGMENT.NOT_FOUND', 'segment not found')
    const definition = versions[0].after.definition
    const count = (await this.insight.population(now, { maxAgeMs: INTERACTIVE_MAX_AGE_MS })).filter((p) =>
      matchesSegment(p.profile, definition),
    ).length
    return { ...view(versions), count, history: versions.map(historyView) }
  }

  async create(input: SegmentInput, staffId: string, now: Date): Promise<SegmentView> {
    for (;;) {
      const segmentId = `seg_${randomBytes(6).toString('hex')}`
      const row = await this.versions.insertAt(
        segmentId,
        1,
        this.row(segmentId, 1, 'create', staffId, now, null, body(input), input.note),
      )
      if (row) return view([row])
    }
  }

  /** Saves a new version over `version`; someone else saved meanwhile → SEGMENT.VERSION_CONFLICT (409). */
  async update(
    segmentId: string,
    input: SegmentInput & { version: number },
    staffId: string,
    now: Date,
  ): Promise<SegmentView> {
    const versions = await this.versionsOf(segmentId)
    const latest = this.checkLatest(versions, input.version)
    const after = body(input)
    if (JSON.stringify(after) === JSON.stringify(latest.after)) return view(versions)
    const row = await this.append(
      this.row(segmentId, latest.version + 1, 'update', staffId, now, latest.after, after, input.note),
    )
    return view([row, ...versions])
  }

  async remove(
    segmentId: string,
    version: number,
    note: string,
    staffId: string,
    now: Date,
  ): Promise<{ id: string; version: number; deleted: true }> {
    const latest = this.checkLatest(await this.versionsOf(segmentId), version)
    const row = await this.append(
      this.row(segmentId, latest.version + 1, 'delete', staffId, now, latest.after, null, note),
    )
    return { id: segmentId, version: row.version, deleted: true }
  }

  /** All changes of all segments (deleted ones included), newest first. */
  async history(): Promise<SegmentVersionView[]> {
    const rows = await this.Version.find({})
      .sort({ changedAt: -1 })
      .limit(HISTORY_LIMIT)
      .lean<SegmentVersionDoc[]>()
      .exec()
    return rows.map(historyView)
  }

  private async current(segmentId: string): Promise<SegmentVersionDoc & { after: SegmentBody }> {
    const latest = (await this.versionsOf(segmentId))[0]
    if (!latest?.after) throw new DomainError('SEGMENT.NOT_FOUND', 'segment not found')
    return latest as SegmentVersionDoc & { after: SegmentBody }
  }

  private async versionsOf(segmentId: string): Promise<SegmentVersionDoc[]> {
    const rows = await this.Version.find({ segmentId }).lean<SegmentVersionDoc[]>().exec()
    return rows.sort((a, b) => b.version - a.version)
  }

  private checkLatest(versions: SegmentVersionDoc[], expected: number): SegmentVersionDoc & { after: SegmentBody } {
    const latest = versions[0]
    if (!latest?.after) throw new DomainError('SEGMENT.NOT_FOUND', 'segment not found')
    if (latest.version !== expected)
      throw new DomainError('SEGMENT.VERSION_CONFLICT', 'segment changed since it was loaded', {
        currentVersion: latest.version,
      })
    return latest as SegmentVersionDoc & { after: SegmentBody }
  }

  /** The insert of `<id>:<n+1>` is the concurrency check: of two saves over version n, one fails here. */
  private async append(fields: Omit<SegmentVersionDoc, '_id'>): Promise<SegmentVersionDoc> {
    const row = await this.versions.insertAt(fields.segmentId, fields.version, fields)
    if (!row)
      throw new DomainError('SEGMENT.VERSION_CONFLICT', 'segment changed since it was loaded', {
        currentVersion: fields.version,
      })
    return row
  }

  private row(
    segmentId: string,
    version: number,
    action: SegmentVersionDoc['action'],
    changedBy: string,
    changedAt: Date,
    before: SegmentBody | null,
    after: SegmentBody | null,
    note: string,
  ): Omit<SegmentVersionDoc, '_id'> {
    return {
      segmentId,
      version,
      action,
      changedBy,
      changedAt,
      before,
      after,
      note,
    }
  }
}

const body = (i: { name: string; description: string; definition: SegmentDefinition }): SegmentBody => ({
  name: i.name,
  description: i.description,
  definition: i.definition,
})

/** The segment as of its newest version (`versions` newest first, the newest not a deletion). */
function view(versions: SegmentVersionDoc[]): SegmentView {
  const latest = versions[0]!
  const first = versions.at(-1)!
  const b = latest.after!
  return {
    id: latest.segmentId,
    name: b.name,
    description: b.description,
    definition: b.definition,
    summary: describeSegment(b.definition),
    version: latest.version,
    createdBy: first.version === 1 ? first.changedBy : '',
    createdAt: first.version === 1 ? new Date(first.changedAt).toISOString() : '',
    updatedBy: latest.changedBy,
    updatedAt: new Date(latest.changedAt).toISOString(),
  }
}

function historyView(v: SegmentVersionDoc): SegmentVersionView {
  return {
    segmentId: v.segmentId,
    version: v.version,
    action: v.action,
    changedBy: v.changedBy,
    changedAt: new Date(v.changedAt).toISOString(),
    before: v.before,
    after: v.after,
    note: v.note,
  }
}
