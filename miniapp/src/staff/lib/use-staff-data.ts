import { ApiError } from '../../services/api'
import { goToStaffLogin, staffLogout } from '../../services/staff'
import { useRemoteData, type RemoteData } from '../../hooks/use-remote-data'

/** A lost staff session ends the staff session and goes to the staff login (a member session stays). */
export function endStaffSession(): void {
  staffLogout()
  goToStaffLogin()
}

/** Any thrown value -> ApiError; a dead staff session also logs out and redirects. */
export function staffError(e: unknown): ApiError {
  const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
  if (err.isAuthLost) endStaffSession()
  return err
}

/** A staff page's resource: useRemoteData with the staff session's auth-lost handling. */
export function useStaffData<T>(fetcher: () => Promise<T>, initial: T | null = null): RemoteData<T> {
  return useRemoteData(fetcher, { initial, onAuthLost: endStaffSession })
}
