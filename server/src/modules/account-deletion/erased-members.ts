import type { Model } from 'mongoose'
import type { DeletionDecisionDoc } from './account-deletion.model'

/**
 * The members whose accounts were erased, held in every process so a token of theirs is refused without a
 * database read per request: the process that erases adds the member at once, the others load the list
 * every minute (a small collection: one row per deletion ever decided).
 */
export class ErasedMembers {
  private readonly ids = new Set<string>()

  constructor(private readonly Decision: Model<DeletionDecisionDoc>) {}

  has(memberId: string): boolean {
    return this.ids.has(memberId)
  }

  add(memberId: string): void {
    this.ids.add(memberId)
  }

  async refresh(): Promise<number> {
    const rows = await this.Decision.find({ outcome: 'erased' }, { memberId: 1 })
      .lean<Pick<DeletionDecisionDoc, 'memberId'>[]>()
      .exec()
    for (const row of rows) this.ids.add(row.memberId)
    return this.ids.size
  }
}
