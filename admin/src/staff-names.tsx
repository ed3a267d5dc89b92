import { useEffect, useState } from 'react'
import type { StaffAccountView } from '@mall/shared'
import { api } from './api'

let cached: Promise<Map<string, string>> | null = null

/** The staff accounts' display names by username, asked once per page load (a failure is not kept). */
function loadStaffNames(): Promise<Map<string, string>> {
  cached ??= api<{ items: StaffAccountView[] }>('GET', '/api/ops/staff').then(
    (r) => new Map(r.items.map((s) => [s.username, s.displayName])),
    (e: unknown) => {
      cached = null
      throw e
    },
  )
  return cached
}

/** A change on the staff page: the next reader asks the server again. */
export function forgetStaffNames(): void {
  cached = null
}

/**
 * Who did it, as operators know them: "赵运营（商场）" instead of the login name `operator` in histories,
 * approvals and stop notes. The login name shows until the list arrives, and for an account it does not
 * have (a removed one); hovering shows the login name.
 */
export function StaffName({ id }: { id: string | null | undefined }) {
  const [names, setNames] = useState<Map<string, string> | null>(null)
  useEffect(() => {
    let live = true
    loadStaffNames().then(
      (n) => live && setNames(n),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [])
  if (!id) return <>—</>
  const name = names?.get(id)
  return name ? (
    <span title={id} data-testid='staff-name'>
      {name}
    </span>
  ) : (
    <>{id}</>
  )
}
