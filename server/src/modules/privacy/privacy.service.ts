import { maskPhone, PRIVACY_GUIDE_VERSION, type PrivacyConsentStatus } from '@mall/shared'
import { insertOnce } from '../../db/connect'
import { DomainError } from '../../errors/domain-error'
import type { MemberService } from '../members/member.service'
import type { PhoneUnbindDoc, PrivacyConsentDoc, PrivacyModels } from './privacy.model'

/** Consent to the privacy guide and unbinding the phone number (docs/privacy.md). */
export class PrivacyService {
  constructor(
    private readonly m: PrivacyModels,
    private readonly members: MemberService,
    private readonly currentVersion: string = PRIVACY_GUIDE_VERSION,
  ) {}

  /** The agreement to the version in effect decides; otherwise the newest earlier one is reported. */
  async consentStatus(memberId: string): Promise<PrivacyConsentStatus> {
    const current = await this.m.Consent.findById(`${memberId}:${this.currentVersion}`).lean<PrivacyConsentDoc>().exec()
    const latest = current ?? (await this.consents(memberId))[0]
    return {
      currentVersion: this.currentVersion,
      consentedVersion: latest?.version ?? null,
      consentedAt: latest ? new Date(latest.at).toISOString() : null,
      required: !latest || latest.version !== this.currentVersion,
    }
  }

  /**
   * Records the member's agreement to the guide in effect. The insert of `<member>:<version>` decides:
   * a repeat (a double tap, another device) finds the row and answers with the first agreement's time.
   */
  async consent(memberId: string, version: string, now: Date): Promise<PrivacyConsentStatus> {
    if (version !== this.currentVersion) {
      throw new DomainError('PRIVACY.VERSION_OUTDATED', 'the privacy guide has a newer version')
    }
    await this.members.get(memberId)
    await insertOnce(this.m.Consent, { _id: `${memberId}:${version}`, memberId, version, at: now })
    return this.consentStatus(memberId)
  }

  /** Every version this member agreed to, newest first. */
  async consents(memberId: string): Promise<PrivacyConsentDoc[]> {
    return this.m.Consent.find({ memberId }).sort({ at: -1 }).lean<PrivacyConsentDoc[]>().exec()
  }

  async phoneUnbinds(memberId: string): Promise<PhoneUnbindDoc[]> {
    return this.m.PhoneUnbind.find({ memberId }).sort({ at: -1 }).lean<PhoneUnbindDoc[]>().exec()
  }

  /**
   * Unbinds the member's phone number; points, coupons and everything else stay. The audit row's insert,
   * keyed by the binding it undoes, is the decision; releasing the number and clearing the row follow
   * and are repeated by whoever comes next if a crash cut them short.
   */
  async unbindPhone(memberId: string, now: Date): Promise<{ phoneMasked: null }> {
    const member = await this.members.get(memberId)
    const phone = member.phone
    if (!phone) throw new DomainError('MEMBER.PHONE_NOT_BOUND', 'no phone bound')
    const boundAt = await this.members.phoneBoundAt(memberId, phone)
    // No identity row: an unbinding already released the number and was cut short before clearing the row.
    if (boundAt) {
      const phoneMasked = maskPhone(phone)
      await insertOnce(this.m.PhoneUnbind, {
        _id: `${memberId}:${phoneMasked}:${boundAt.getTime()}`,
        memberId,
        phoneMasked,
        boundAt,
        at: now,
      })
    }
    await this.members.releasePhone(memberId, phone)
    return { phoneMasked: null }
  }
}
