import {
  pointsClaim,
  pointsClaimAnswer,
  type PointsClaim,
  type PointsClaimAnswer,
  type PointsClaimRejectReason,
  type PointsClaimRequest,
} from '@mall/shared'
import { api, itemsOf, request } from './api'

export const POINTS_CLAIM_PAGE = '/pages/points-claim/index'
const claimList = itemsOf(pointsClaim)

/** 积分补登: reports a purchase whose points never arrived; the answer says what the mall found. */
export function fileClaim(body: PointsClaimRequest): Promise<PointsClaimAnswer> {
  return api.post('/api/me/points-claims', body, pointsClaimAnswer)
}

/** My claims, newest first, with their status. */
export async function fetchMyClaims(): Promise<PointsClaim[]> {
  return (await api.get('/api/me/points-claims', claimList)).items
}

/** The service desk's queue of claims waiting for a decision (staff session: desk staff and operators). */
export async function fetchClaimQueue(): Promise<PointsClaim[]> {
  return (await request('/api/desk/points-claims?status=pending', { schema: claimList, session: 'staff' })).items
}

/** 通过 posts the points for `amountFen` (the desk may correct the amount); 驳回 takes a listed reason. */
export function decideClaim(
  claimId: string,
  decision: { action: 'approve'; amountFen: number } | { action: 'reject'; reason: PointsClaimRejectReason },
): Promise<PointsClaim> {
  const { action, ...body } = decision
  return request(`/api/desk/points-claims/${encodeURIComponent(claimId)}/${action}`, {
    method: 'POST',
    data: body,
    schema: pointsClaim,
    session: 'staff',
  })
}
