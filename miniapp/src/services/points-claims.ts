import {
  pointsClaim,
  pointsClaimAnswer,
  type PointsClaim,
  type PointsClaimAnswer,
  type PointsClaimRequest,
} from '@mall/shared'
import { api, itemsOf } from './api'

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
