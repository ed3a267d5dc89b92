import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Middleware } from 'koa'
import { STAFF_DOCUMENT, STYLE_NONCE_BOOTSTRAP_HASH, isH5Document } from './h5-index'

/**
 * Browser hardening on every response (docs/privacy-security.md):
 * - a Content-Security-Policy per surface: the JSON API allows nothing, the operator console (/admin/) only its
 *   own files, the H5 app its own scripts plus the hash of index.html's inline script and, for index.html, a
 *   per-response nonce (see h5Csp and h5-index.ts);
 *   `frame-ancestors 'none'` and `X-Frame-Options: DENY` everywhere against clickjacking;
 * - Permissions-Policy: the camera only for the H5 staff pages' document (/staff/), where staff scan member and
 *   coupon codes; member pages, the console and every other answer get none;
 * - HSTS only when the request came over TLS (`ctx.secure`; behind a proxy that is X-Forwarded-Proto,
 *   trusted only with TRUST_PROXY), since a plain-http answer cannot set it meaningfully;
 * - `Cache-Control: no-store` on API responses (nearly all carry personal data) unless a route chose its own
 *   caching (public gift images, invite code images).
 */

const FRAME_AND_BASE = ["frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'"]

export const API_CSP = ["default-src 'none'", ...FRAME_AND_BASE].join('; ')

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  ...FRAME_AND_BASE,
].join('; ')

/**
 * The H5 app's policy. Scripts: our files and the hashed inline scripts (Taro's rem sizing, our style bootstrap);
 * `wasm-unsafe-eval` lets the staff scanner compile its barcode decoder (WebAssembly from our own origin) and
 * allows no JavaScript eval. Styles: our files and <style> elements carrying the response's nonce (h5-index.ts
 * gives it to the ones Taro's runtime creates); no inline style attributes. Responses other than index.html
 * (scripts, CSS, images) carry no nonce, so their policy allows no inline styles at all.
 */
export function h5Csp(inlineScriptHashes: readonly string[], nonce?: string): string {
  const quoted = inlineScriptHashes.map((h) => ` '${h}'`).join('')
  const nonceSource = nonce ? ` 'nonce-${nonce}'` : ''
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${quoted}`,
    `style-src 'self'${nonceSource}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self' data:",
    ...FRAME_AND_BASE,
  ].join('; ')
}

export const STAFF_SCAN_PERMISSIONS = 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()'
export const NO_PERMISSIONS = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'
export const HSTS = 'max-age=31536000; includeSubDomains'

/** CSP source expressions for the inline <script> elements of a built index.html (Taro's rem sizing). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = []
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    hashes.push(`sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}`)
  }
  return hashes
}

/** Reads the H5 build's index.html, if there is one, for its inline script hashes. */
export function h5InlineScriptHashes(h5DistDir: string | undefined): string[] {
  const index = h5DistDir ? path.join(h5DistDir, 'index.html') : ''
  return index && existsSync(index) ? inlineScriptHashes(readFileSync(index, 'utf8')) : []
}

export function securityHeaders(options: { h5DistDir?: string }): Middleware {
  const hashes = [...h5InlineScriptHashes(options.h5DistDir), STYLE_NONCE_BOOTSTRAP_HASH]
  const h5Policy = h5Csp(hashes)
  return async (c, next) => {
    c.set('X-Content-Type-Options', 'nosniff')
    c.set('Referrer-Policy', 'no-referrer')
    c.set('X-Frame-Options', 'DENY')
    if (c.secure) c.set('Strict-Transport-Security', HSTS)
    const api = c.path === '/api' || c.path.startsWith('/api/')
    const admin = c.path === '/admin' || c.path.startsWith('/admin/')
    let policy = api ? API_CSP : admin ? CONSOLE_CSP : h5Policy
    if (!api && !admin && isH5Document(c.path)) {
      const nonce = randomBytes(16).toString('base64')
      ;(c.state as { cspNonce?: string }).cspNonce = nonce
      policy = h5Csp(hashes, nonce)
    }
    c.set('Content-Security-Policy', policy)
    c.set('Permissions-Policy', c.path === STAFF_DOCUMENT ? STAFF_SCAN_PERMISSIONS : NO_PERMISSIONS)
    try {
      await next()
    } finally {
      // Set after the route ran, so a route's own caching stays; errors too (their bodies name the caller's data).
      if (api && !c.response.get('Cache-Control')) c.set('Cache-Control', 'no-store')
    }
  }
}
