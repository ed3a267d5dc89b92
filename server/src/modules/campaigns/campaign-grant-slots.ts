import { existsById } from '../../db/by-id'
import { isDuplicateKey } from '../../db/connect'
import { insertRow } from '../../db/insert-batch'
import { slotsInUse } from '../../db/slots-in-use'
import { grantId, type CampaignDoc, type CampaignGrantDoc, type CampaignModels } from './campaign.model'

/**
 * A campaign's budget as numbered grant slots: a grant is the unique insert of the next free slot,
 * and a member's key for the period is unique too, so neither the budget nor a member's one grant
 * per period can be passed, even by two runs at once.
 */
export class CampaignGrantSlots {
  constructor(private readonly m: CampaignModels) {}

  /** Takes the first free slot from `from` for the member, or says why not. */
  async take(
    c: CampaignDoc,
    member: { memberId: string },
    memberKey: string,
    from: number,
    points: number,
    now: Date,
  ): Promise<CampaignGrantDoc | 'budget_exhausted' | 'already_granted'> {
    for (let slot = from; ; slot++) {
      if (slot > c.budget.maxGrants) return 'budget_exhausted'
      const doc: CampaignGrantDoc = {
        _id: grantId(c._id, slot),
        campaignId: c._id,
        slot,
        memberId: member.memberId,
        memberKey,
        state: 'granted',
        points,
        couponId: null,
        couponRefusal: null,
        at: now,
      }
      try {
        await insertRow(this.m.Grant, doc as never)
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        if (await existsById(this.m.Grant, doc._id)) continue // slot taken by another run
        return 'already_granted'
      }
      void this.m.Hint.updateOne({ _id: c._id }, { $max: { slots: slot } }, { upsert: true })
        .exec()
        .catch(() => undefined)
      return doc
    }
  }

  /** The member keys (`<memberId>:<period>`) already granted by the campaign. */
  async grantedKeys(id: string): Promise<Set<string>> {
    const rows = await this.m.Grant.find({ campaignId: id }, { memberKey: 1 })
      .lean<Pick<CampaignGrantDoc, 'memberKey'>[]>()
      .exec()
    return new Set(rows.map((r) => r.memberKey))
  }

  async taken(id: string, max: number): Promise<number> {
    const hint = (await this.m.Hint.findById(id).lean().exec())?.slots ?? 0
    return slotsInUse(hint, max, (slot) => existsById(this.m.Grant, grantId(id, slot)))
  }
}
