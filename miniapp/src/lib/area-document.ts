import Taro from '@tarojs/taro'

/**
 * H5 serves one build at two addresses: the member pages at `/`, the staff pages at `/staff/`. Only the staff
 * document may use the camera (the server's Permissions-Policy; staff scan member and coupon codes), so a staff
 * page runs in that document and a member page outside it. Pages are hash routes, which the server never sees:
 * the app moves a page to its area's document when it starts, and a link into the other area loads that area's
 * document. weapp is one app for both areas and navigates as usual.
 */
const STAFF_ROUTE_PREFIX = '/staff/'
export const STAFF_DOCUMENT = '/staff/'
const MEMBER_DOCUMENTS = ['/', '/index.html']

const isStaffRoute = (route: string): boolean => route.startsWith(STAFF_ROUTE_PREFIX)

/** The document path a hash route belongs in: `/staff/` for the staff pages, `/` for the member pages. */
export function documentOf(route: string): string {
  return isStaffRoute(route) ? STAFF_DOCUMENT : '/'
}

/** Whether a document path is the right one for a hash route. */
export function isRightDocument(pathname: string, route: string): boolean {
  return isStaffRoute(route) ? pathname === STAFF_DOCUMENT : MEMBER_DOCUMENTS.includes(pathname)
}

/** The route a location's hash names ('/' for none). */
export function routeOf(hash: string): string {
  return hash.replace(/^#/, '') || '/'
}

/** H5, at start: reloads the page in its area's document when the address names the other one. */
export function keepPageInItsDocument(location: Pick<Location, 'pathname' | 'search' | 'hash' | 'replace'>): boolean {
  const route = routeOf(location.hash)
  if (isRightDocument(location.pathname, route)) return false
  location.replace(`${documentOf(route)}${location.search}${location.hash}`)
  return true
}

/** Opens a page of the other area: on H5 by loading that area's document, on weapp by navigating. */
export function openOtherArea(route: string, how: 'navigateTo' | 'reLaunch'): void {
  if (process.env.TARO_ENV === 'h5') {
    window.location.assign(`${documentOf(route)}#${route}`)
    return
  }
  void (how === 'navigateTo' ? Taro.navigateTo({ url: route }) : Taro.reLaunch({ url: route }))
}
