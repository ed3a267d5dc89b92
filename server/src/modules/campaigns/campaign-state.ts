import { Schema, type Connection, type Model } from 'mongoose'
import type { CampaignStatus } from '@mall/shared'
import { findById, updateById } from '../../db/by-id'
import { getModel } from '../../db/connect'
import { claimTransition, type Claimed } from '../../db/transitions'
import type { CampaignDoc } from './campaign.model'

/**
 * A campaign's transitions, each decided by its insert (db/transitions.ts): `<campaign>:activate`,
 * `<campaign>:budget` (paused by its budget running out) and `<campaign>:kill` (the kill switch). The
 * status is what the rows say, the kill first, whatever order they were written in: a kill can never be
 * undone by an activation or a budget pause racing it. `CampaignDoc.status` is their cache.
 */
export interface CampaignTransitionDoc {
  _id: string
  campaignId: string
  kind: 'activate' | 'budget' | 'kill'
  by: string
  at: Date
  settled: boolean
}

const schema = new Schema<CampaignTransitionDoc>(
  { _id: String, campaignId: String, kind: String, by: String, at: Date, settled: Boolean },
  { versionKey: false, collection: 'campaign_transitions' },
)

const KINDS = ['kill', 'budget', 'activate'] as const
const STATUS_BY_KIND: Record<CampaignTransitionDoc['kind'], CampaignStatus> = {
  kill: 'killed',
  budget: 'paused_budget',
  activate: 'active',
}

export class CampaignStates {
  private readonly Row: Model<CampaignTransitionDoc>

  constructor(
    conn: Connection,
    private readonly Campaign: Model<CampaignDoc>,
  ) {
    this.Row = getModel(conn, 'CampaignTransition', schema)
  }

  /** The campaign as its rows say (its cache repaired on the way); one without rows is a draft. */
  async current(c: CampaignDoc): Promise<CampaignDoc> {
    const rows = await Promise.all(KINDS.map((kind) => findById<CampaignTransitionDoc>(this.Row, `${c._id}:${kind}`)))
    const decisive = rows.find((r) => r !== null)
    if (!decisive) return { ...c, status: 'draft' }
    const stop = decisive.kind === 'activate' ? {} : { stoppedBy: decisive.by, stoppedAt: decisive.at }
    const derived = { ...c, status: STATUS_BY_KIND[decisive.kind], ...stop }
    if (derived.status !== c.status)
      await updateById(this.Campaign, c._id, { $set: { status: derived.status, ...stop } })
    return derived
  }

  claim(
    campaignId: string,
    kind: CampaignTransitionDoc['kind'],
    by: string,
    now: Date,
  ): Promise<Claimed<CampaignTransitionDoc>> {
    // Nothing follows the insert but the cache, which every read repairs: settled at once.
    return claimTransition(this.Row, { _id: `${campaignId}:${kind}`, campaignId, kind, by, at: now, settled: true })
  }
}
