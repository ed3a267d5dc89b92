import http from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LaneBuild } from './lane-build'

/**
 * wx.request / wx.downloadFile over real HTTP, with WeChat's rules applied before anything is sent:
 * an absolute URL, https in a release build, only the build's API origin (the one request domain
 * configured for the mini-program) and at most 10 requests at once. That origin is routed to the
 * test server, which is all a hosts-file entry would do.
 */
export interface Callbacks<T> {
  success?: (res: T) => void
  fail?: (res: { errMsg: string }) => void
  complete?: (res: unknown) => void
}

export interface RequestOptions extends Callbacks<unknown> {
  url: string
  method?: string
  data?: unknown
  header?: Record<string, string>
  dataType?: string
  responseType?: string
  timeout?: number
}

export interface Network {
  request(o: RequestOptions): unknown
  downloadFile(o: RequestOptions): unknown
  /** "METHOD path" of every request that reached the server, in order */
  readonly sent: string[]
  inFlight(): number
  /** Date.now() of the last request sent or answered */
  lastActivityAt(): number
}

const MAX_CONCURRENT = 10

export function createNetwork(build: LaneBuild, serverUrl: string, problem: (m: string) => void): Network {
  const apiOrigin = new URL(build.apiBase).origin
  const sent: string[] = []
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'weapp-lane-files-'))
  let inFlight = 0
  let downloads = 0
  let lastActivity = 0

  /** The server URL to use, or the errMsg WeChat would answer with. */
  function route(api: string, url: string): { target: string } | { errMsg: string } {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return { errMsg: `${api}:fail invalid url "${url}"` }
    }
    if (build.mode === 'production' && parsed.protocol !== 'https:') {
      problem(`${api} to a non-https URL in a production build: ${url}`)
      return { errMsg: `${api}:fail url not in domain list` }
    }
    if (parsed.origin !== apiOrigin) {
      problem(`${api} to ${parsed.origin}, which is not the build's API origin ${apiOrigin}`)
      return { errMsg: `${api}:fail url not in domain list` }
    }
    if (inFlight >= MAX_CONCURRENT) {
      problem(`${api}: more than ${MAX_CONCURRENT} requests at once (WeChat queues or fails them)`)
    }
    return { target: serverUrl + parsed.pathname + parsed.search }
  }

  type OnBody = (status: number, headers: http.IncomingHttpHeaders, body: Buffer) => unknown
  function send(api: string, o: RequestOptions, onBody: OnBody) {
    const routed = route(api, o.url)
    if ('errMsg' in routed) {
      setTimeout(() => finish(o, null, { errMsg: routed.errMsg }))
      return task(() => undefined)
    }
    const method = (o.method ?? 'GET').toUpperCase()
    let target = routed.target
    let body: string | undefined
    const header = o.header ?? {}
    if (method === 'GET' && o.data && typeof o.data === 'object' && Object.keys(o.data).length) {
      // wx.request puts a GET's object data into the query string
      const query = new URLSearchParams(o.data as Record<string, string>).toString()
      target += (target.includes('?') ? '&' : '?') + query
    } else if (o.data !== undefined && method !== 'GET') {
      const type = Object.entries(header).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json'
      if (typeof o.data === 'string') body = o.data
      else if (type.includes('json')) body = JSON.stringify(o.data)
      else body = new URLSearchParams(o.data as Record<string, string>).toString()
    }
    sent.push(`${method} ${new URL(target).pathname}`)
    inFlight++
    lastActivity = Date.now()
    const length = body ? { 'content-length': String(Buffer.byteLength(body)) } : {}
    const req = http.request(target, { method, headers: { ...header, ...length } })
    req.setTimeout(o.timeout ?? 60_000, () => req.destroy(new Error('timeout')))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        inFlight--
        lastActivity = Date.now()
        finish(o, onBody(res.statusCode ?? 0, res.headers, Buffer.concat(chunks)), null)
      })
    })
    req.on('error', (e) => {
      inFlight--
      lastActivity = Date.now()
      finish(o, null, { errMsg: `${api}:fail ${e.message}` })
    })
    if (body) req.write(body)
    req.end()
    return task(() => req.destroy(new Error('abort')))
  }

  return {
    sent,
    inFlight: () => inFlight,
    lastActivityAt: () => lastActivity,
    request(o) {
      return send('request', o, (statusCode, headers, raw) => {
        const text = raw.toString('utf8')
        let data: unknown = text
        if ((o.dataType ?? 'json') === 'json') {
          try {
            data = JSON.parse(text)
          } catch {
            // wx.request hands over the text when it is not JSON
          }
        }
        return { data, statusCode, header: headers, cookies: [], errMsg: 'request:ok' }
      })
    },
    downloadFile(o) {
      return send('downloadFile', { ...o, method: 'GET' }, (statusCode, _headers, raw) => {
        const tempFilePath = path.join(tmp, `download-${++downloads}`)
        writeFileSync(tempFilePath, raw)
        return { tempFilePath, statusCode, errMsg: 'downloadFile:ok' }
      })
    },
  }
}

function finish(o: Callbacks<unknown>, ok: unknown, err: { errMsg: string } | null): void {
  if (err) o.fail?.(err)
  else o.success?.(ok)
  o.complete?.(err ?? ok)
}

function task(abort: () => void) {
  const noop = () => undefined
  return {
    abort,
    onHeadersReceived: noop,
    offHeadersReceived: noop,
    onChunkReceived: noop,
    offChunkReceived: noop,
    onProgressUpdate: noop,
  }
}
