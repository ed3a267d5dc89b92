import { API_CSP, NO_PERMISSIONS } from '../../server/src/http/security-headers'

/**
 * Routes that choose their own caching for a JSON answer: the member's invite code image (`private`, a day; the
 * code is made to be shown to friends and always draws the same image).
 */
const OWN_CACHING = new Set(['/api/me/invites/wxacode'])

/**
 * What an API answer's headers lack of the browser hardening (docs/privacy-security.md), as readable lines; []
 * when nothing. JSON answers carry members' data, so they must not be stored; an image (public gift images) or a
 * route of OWN_CACHING may choose its own caching.
 */
export function apiHeaderProblems(headers: Record<string, string | undefined>, path = ''): string[] {
  const problems: string[] = []
  const expect = (name: string, want: string) => {
    if (headers[name] !== want) problems.push(`${name}: ${headers[name] ?? '(none)'}, not ${want}`)
  }
  expect('content-security-policy', API_CSP)
  expect('x-frame-options', 'DENY')
  expect('x-content-type-options', 'nosniff')
  expect('referrer-policy', 'no-referrer')
  expect('permissions-policy', NO_PERMISSIONS)
  const json = /json/.test(headers['content-type'] ?? '') || !headers['content-type']
  if (json && !OWN_CACHING.has(path.replace(/\?.*$/, ''))) expect('cache-control', 'no-store')
  else if (!headers['cache-control']) problems.push('cache-control: (none)')
  return problems
}
