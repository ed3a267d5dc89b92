import { startDevDb, type DevDb, type StartDevDbOptions } from './devdb'

/** Waits between restarts of the embedded database; after the last one the server gives up. */
export const RESTART_BACKOFF_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000]

export interface SupervisedDevDb {
  uri: string
  /** the database process now running (changes with each restart) */
  pid(): number
  restarts(): number
  stop(): Promise<void>
}

export interface SupervisorHooks {
  /** the process exited: requests get 503 from now until it answers again */
  onExit(code: number | null): void
  onRestart(attempt: number, ms: number): void
  /** every restart failed: the caller exits non-zero so a process manager restarts the whole server */
  onGiveUp(err: unknown): void
}

/**
 * Starts the embedded database and keeps it running: when its process exits (crash, OOM kill), it is
 * started again on the same data directory and port with backoff, and the server's connection finds
 * it there (the driver reconnects on its own). SQLite in WAL mode recovers its journal on the restart.
 */
export async function superviseDevDb(opts: StartDevDbOptions, hooks: SupervisorHooks): Promise<SupervisedDevDb> {
  let db: DevDb = await startDevDb(opts)
  const port = Number(new URL(db.uri).port)
  let stopping = false
  let restarts = 0

  const restart = async (): Promise<void> => {
    const began = Date.now()
    let lastErr: unknown
    for (const [attempt, wait] of RESTART_BACKOFF_MS.entries()) {
      await new Promise((r) => setTimeout(r, wait))
      if (stopping) return
      try {
        db = await startDevDb({ ...opts, port })
        restarts++
        hooks.onRestart(attempt + 1, Date.now() - began)
        watch(db)
        return
      } catch (err) {
        lastErr = err
      }
    }
    hooks.onGiveUp(lastErr)
  }
  const watch = (current: DevDb) => {
    void current.exited.then((code) => {
      if (stopping || current !== db) return
      hooks.onExit(code)
      void restart()
    })
  }
  watch(db)
  return {
    uri: db.uri,
    pid: () => db.pid,
    restarts: () => restarts,
    async stop() {
      stopping = true
      await db.stop()
    },
  }
}
