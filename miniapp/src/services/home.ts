import { memberHomeView, type MemberHomeView } from '@mall/shared'
import { api } from './api'

/** The home page: banners, announcements, current events and the store directory (GET /api/home). */
export function fetchHome(): Promise<MemberHomeView> {
  return api.get('/api/home', memberHomeView)
}
