/** Invite-a-friend rewards: the invitee on registration, the inviter after the invitee's first verified purchase. */
export interface ReferralRules {
  inviteePoints: number
  inviterPoints: number
  /** rewards an inviter can receive per Shanghai day / month; later qualified friends are 'capped' */
  inviterDailyCap: number
  inviterMonthlyCap: number
}

export const DEFAULT_REFERRAL_RULES: ReferralRules = {
  inviteePoints: 50,
  inviterPoints: 200,
  inviterDailyCap: 5,
  inviterMonthlyCap: 20,
}
