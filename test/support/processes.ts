import { execFileSync } from 'node:child_process'
import net from 'node:net'

/** Whether a process with this pid is alive (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether something accepts TCP connections on this local port now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** `ps` lines (pid, state, seconds running, command) of the embedded database processes on `dataDir`. */
export function databaseProcessesOn(dataDir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,stat=,etimes=,args='])
    .toString()
    .split('\n')
    .filter((l) => l.includes(`-data-dir ${dataDir}`))
}
