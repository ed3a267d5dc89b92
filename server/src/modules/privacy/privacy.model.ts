import { Schema, type Connection, type Model } from 'mongoose'
import { getModel } from '../../db/connect'

/** A member's agreement to one version of the privacy guide: `_id` `<memberId>:<version>`, inserted once. */
export interface PrivacyConsentDoc {
  _id: string
  memberId: string
  version: string
  at: Date
}

/**
 * The audit row of a phone unbinding, and the decision itself: `_id` `<memberId>:<masked phone>:<boundAt ms>`
 * names the binding being undone, so a double tap or a retry after a crash finds the row and only finishes the effects.
 * Only the masked number is kept.
 */
export interface PhoneUnbindDoc {
  _id: string
  memberId: string
  phoneMasked: string
  boundAt: Date
  at: Date
}

const consentSchema = new Schema<PrivacyConsentDoc>(
  { _id: String, memberId: String, version: String, at: Date },
  { versionKey: false, collection: 'privacy_consents' },
)
const unbindSchema = new Schema<PhoneUnbindDoc>(
  { _id: String, memberId: String, phoneMasked: String, boundAt: Date, at: Date },
  { versionKey: false, collection: 'phone_unbinds' },
)

export interface PrivacyModels {
  Consent: Model<PrivacyConsentDoc>
  PhoneUnbind: Model<PhoneUnbindDoc>
}

export function privacyModels(conn: Connection): PrivacyModels {
  return {
    Consent: getModel(conn, 'PrivacyConsent', consentSchema),
    PhoneUnbind: getModel(conn, 'PhoneUnbind', unbindSchema),
  }
}
