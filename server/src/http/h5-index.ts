import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Middleware } from 'koa'

/**
 * The H5 app's index.html, served with a fresh CSP nonce on every response (docs/privacy-security.md "H5 styles").
 * Taro 4's H5 runtime creates about fifteen <style> elements at run time (style-loader for the component CSS,
 * Stencil, the router, showToast) and sets a few style attributes with setAttribute. The policy allows inline
 * styles only with the response's nonce, so the page gets, ahead of Taro's scripts:
 * - `<meta name="csp-nonce">`, which Stencil reads for its own <style> elements;
 * - a script (allowed by its hash, STYLE_NONCE_BOOTSTRAP_HASH) that gives every <style> element a script creates
 *   that nonce, and turns a script's `setAttribute('style', …)` into the CSSOM `style.cssText` (which CSP does
 *   not govern; React sets styles that way already).
 * Markup injected into the page can then add neither <style> elements nor style attributes; scripts could style
 * anything before as well, and only our own scripts run.
 */
const STYLE_NONCE_BOOTSTRAP =
  '(function(){var m=document.querySelector(\'meta[name="csp-nonce"]\');var n=m&&m.content;if(!n)return;' +
  'var create=Document.prototype.createElement;Document.prototype.createElement=function(tag){' +
  "var el=create.apply(this,arguments);if(String(tag).toLowerCase()==='style')el.setAttribute('nonce',n);" +
  'return el};var set=Element.prototype.setAttribute;Element.prototype.setAttribute=function(name,value){' +
  "if(String(name).toLowerCase()==='style'&&this.style){this.style.cssText=String(value);return}" +
  'return set.call(this,name,value)}})()'

const bootstrapDigest = createHash('sha256').update(STYLE_NONCE_BOOTSTRAP).digest('base64')
export const STYLE_NONCE_BOOTSTRAP_HASH = `sha256-${bootstrapDigest}`

/** The built index.html with the nonce's meta element and the bootstrap script first in <head>. */
export function renderH5Index(html: string, nonce: string): string {
  const head = `<meta name="csp-nonce" content="${nonce}"><script>${STYLE_NONCE_BOOTSTRAP}</script>`
  return html.replace(/<head>/i, `<head>${head}`)
}

/**
 * The staff pages' document: the same build served at its own address, the only one whose Permissions-Policy lets
 * the camera on (staff scan member and coupon codes). The app moves a page to its area's document
 * (miniapp/src/lib/area-document.ts): its routes are hash routes, which the server never sees.
 */
export const STAFF_DOCUMENT = '/staff/'

export function isH5Document(requestPath: string): boolean {
  return requestPath === '/' || requestPath === '/index.html' || requestPath === STAFF_DOCUMENT
}

/** Serves `/`, `/index.html` and `/staff/` from the build read once at start; the nonce comes from securityHeaders. */
export function h5Index(h5DistDir: string): Middleware {
  const file = path.join(h5DistDir, 'index.html')
  const html = existsSync(file) ? readFileSync(file, 'utf8') : null
  return async (c, next) => {
    if (c.path === '/staff' && (c.method === 'GET' || c.method === 'HEAD')) return c.redirect(STAFF_DOCUMENT)
    const nonce = (c.state as { cspNonce?: string }).cspNonce
    if (!html || !nonce || !isH5Document(c.path) || (c.method !== 'GET' && c.method !== 'HEAD')) return next()
    c.type = 'html'
    // Each answer carries its own nonce in body and header: a cached or revalidated body would not match.
    c.set('Cache-Control', 'no-store')
    c.body = renderH5Index(html, nonce)
  }
}
