import type { Server } from 'node:http'

export interface InFlight {
  count(): number
}

/** Counts the requests a server is answering (a response closed, finished or cut off, counts out). */
export function trackInFlight(server: Server): InFlight {
  let n = 0
  server.on('request', (_req, res) => {
    n++
    res.once('close', () => n--)
  })
  return { count: () => n }
}

/**
 * Graceful stop: no new connections, idle keep-alive connections closed, requests being answered
 * given up to `timeoutMs` to finish; whatever is left then is cut off. Resolves with how many
 * requests were cut off (0: drained).
 */
export async function drain(server: Server, inFlight: InFlight, timeoutMs: number): Promise<number> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  const deadline = Date.now() + timeoutMs
  while (inFlight.count() > 0 && Date.now() < deadline) {
    server.closeIdleConnections() // a keep-alive connection goes as soon as its response is out
    await new Promise((r) => setTimeout(r, 25))
  }
  const cut = inFlight.count()
  server.closeAllConnections()
  await closed
  return cut
}
