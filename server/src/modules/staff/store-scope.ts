import { DomainError } from '../../errors/domain-error'
import type { StaffClaims } from '../auth/tokens'

/**
 * The store a staff request acts on: store staff act on their own store (naming another is
 * refused), mall operators have none of their own and must name one.
 */
export function storeInScope(staff: StaffClaims, storeId: string | undefined): string {
  if (staff.role === 'operator') {
    if (!storeId) throw new DomainError('VALIDATION.FAILED', 'operators must name the store')
    return storeId
  }
  if (storeId && storeId !== staff.storeId) throw new DomainError('AUTH.FORBIDDEN', 'another store')
  return staff.storeId!
}
