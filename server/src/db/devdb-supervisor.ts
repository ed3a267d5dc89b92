import { ensureDevDbBinary, startDevDb, type DevDb, type StartDevDbOptions } from './devdb'

/** Waits between restarts of the embedded database; after the last one the server gives up. */
export const RESTART_BACKOFF_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000]
const HISTORY_LENGTH = 50

export interface SupervisedDevDb {
  uri: string
  /** the database process now running (changes with each restart) */
  pid(): number
  restarts(): number
  /** what happened to the process lately (exits, restart attempts, restarts), oldest first */
  history(): SupervisorEvent[]
  stop(): Promise<void>
}

export interface SupervisorEvent {
  at: string
  event: 'exited' | 'attempt failed' | 'restarted' | 'gave up'
  /** the pid that exited or came up */
  pid?: number
  code?: number | null
  attempt?: number
  /** since the exit that started this restart */
  ms?: number
  error?: string
}

export interface SupervisorHooks {
  /** the process exited: requests get 503 from now until it answers again */
  onExit(code: number | null): void
  onRestart(attempt: number, ms: number): void
  /** one restart attempt failed (the next follows after its backoff) */
  onAttemptFailed?(attempt: number, err: unknown): void
  /** every restart failed: the caller exits non-zero so a process manager restarts the whole server */
  onGiveUp(err: unknown): void
}

/**
 * Starts the embedded database and keeps it running: when its process exits (crash, OOM kill), it is
 * started again on the same data directory and port with backoff, and the server's connection finds
 * it there (the driver reconnects on its own). SQLite in WAL mode recovers its journal on the restart.
 * Every restart runs the program the first start ran: a restart never builds (minutes on a busy machine).
 */
export async function superviseDevDb(opts: StartDevDbOptions, hooks: SupervisorHooks): Promise<SupervisedDevDb> {
  const binary = opts.binary ?? (await ensureDevDbBinary(opts.log))
  let db: DevDb = await startDevDb({ ...opts, binary })
  const port = Number(new URL(db.uri).port)
  let stopping = false
  let restarts = 0
  const events: SupervisorEvent[] = []
  const record = (e: Omit<SupervisorEvent, 'at'>) => {
    events.push({ at: new Date().toISOString(), ...e })
    events.splice(0, Math.max(0, events.length - HISTORY_LENGTH))
  }

  const restart = async (): Promise<void> => {
    const began = Date.now()
    let lastErr: unknown
    for (const [attempt, wait] of RESTART_BACKOFF_MS.entries()) {
      await new Promise((r) => setTimeout(r, wait))
      if (stopping) return
      try {
        const started = await startDevDb({ ...opts, binary, port })
        if (stopping) return void (await started.stop())
        db = started
        restarts++
        record({ event: 'restarted', pid: db.pid, attempt: attempt + 1, ms: Date.now() - began })
        hooks.onRestart(attempt + 1, Date.now() - began)
        watch(db)
        return
      } catch (err) {
        lastErr = err
        record({ event: 'attempt failed', attempt: attempt + 1, ms: Date.now() - began, error: String(err) })
        hooks.onAttemptFailed?.(attempt + 1, err)
      }
    }
    record({ event: 'gave up', ms: Date.now() - began, error: String(lastErr) })
    hooks.onGiveUp(lastErr)
  }
  const watch = (current: DevDb) => {
    void current.exited.then((code) => {
      if (stopping || current !== db) return
      record({ event: 'exited', pid: current.pid, code })
      hooks.onExit(code)
      void restart()
    })
  }
  watch(db)
  return {
    uri: db.uri,
    pid: () => db.pid,
    restarts: () => restarts,
    history: () => [...events],
    async stop() {
      stopping = true
      await db.stop()
    },
  }
}
