import type { Connection } from 'mongoose'
import {
  DEFAULT_RECEIPT_PHOTO_RULES,
  type ConfigVersionView,
  type ReceiptPhotoRules,
  type ReceiptPhotoRulesView,
} from '@mall/shared'
import { ConfigHistory, writeVersion, type ConfigSubject } from '../../db/config-history'
import { findById } from '../../db/by-id'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import { receiptPhotoModels, type ReceiptRulesDoc } from './receipt-photo.model'

const ID = 'current'
const CACHE_MS = 5_000

const snapshot = (r: ReceiptRulesDoc): ReceiptPhotoRules => ({
  enabled: r.enabled ?? DEFAULT_RECEIPT_PHOTO_RULES.enabled,
  minAmountFen: r.minAmountFen ?? DEFAULT_RECEIPT_PHOTO_RULES.minAmountFen,
  deadlineDays: r.deadlineDays ?? DEFAULT_RECEIPT_PHOTO_RULES.deadlineDays,
  perStorePerDay: r.perStorePerDay ?? DEFAULT_RECEIPT_PHOTO_RULES.perStorePerDay,
  retentionDays: r.retentionDays ?? DEFAULT_RECEIPT_PHOTO_RULES.retentionDays,
  autoApprove: { ...DEFAULT_RECEIPT_PHOTO_RULES.autoApprove, ...(r.autoApprove ?? {}) },
})

/**
 * The receipt-photo rules: one row whose every change is a version in the config history (who, when,
 * before/after, note; two operators editing version n → one wins, the other CONFIG.VERSION_CONFLICT).
 * Until the first change the rules are the defaults at version 0, with no row. Read through a 5 s cache,
 * dropped when this process changes it.
 */
export class ReceiptPhotoRulesStore {
  private readonly Rules
  private readonly versions: ConfigHistory<ReceiptRulesDoc, ReceiptPhotoRules>
  private cached: { at: number; view: ReceiptPhotoRulesView } | null = null

  constructor(conn: Connection) {
    this.Rules = receiptPhotoModels(conn).Rules
    const subject: ConfigSubject<ReceiptRulesDoc, ReceiptPhotoRules> = {
      kind: 'receipt_photo_rules',
      load: (id) => this.load(id),
      notFound: () => new DomainError('INTERNAL', 'receipt photo rules missing'),
      snapshot,
      apply: async (id, after, version) => {
        await writeVersion(this.Rules, id, version, after)
        this.cached = null
      },
    }
    this.versions = new ConfigHistory(conn, subject)
  }

  async current(): Promise<ReceiptPhotoRulesView> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.view
    const doc = await this.versions.current(ID)
    const view = { ...snapshot(doc), version: doc.configVersion ?? 0 }
    this.cached = { at: Date.now(), view }
    return view
  }

  async change(
    rules: ReceiptPhotoRules,
    seen: number,
    meta: { changedBy: string; at: Date; note: string },
  ): Promise<ReceiptPhotoRulesView> {
    this.cached = null
    // The first change writes the defaults' row (no configVersion: version 0) for the versions to apply to.
    await insertOnce(this.Rules, { _id: ID, ...DEFAULT_RECEIPT_PHOTO_RULES } as never)
    const doc = await this.versions.change(ID, seen, () => rules, meta)
    this.cached = null
    return { ...snapshot(doc), version: doc.configVersion ?? 0 }
  }

  history(): Promise<ConfigVersionView[]> {
    return this.versions.history(ID)
  }

  /** The row, or the defaults at version 0 while nobody changed them (reading never writes). */
  private async load(id: string): Promise<ReceiptRulesDoc> {
    return (await findById<ReceiptRulesDoc>(this.Rules, id)) ?? { _id: id, ...DEFAULT_RECEIPT_PHOTO_RULES }
  }
}
