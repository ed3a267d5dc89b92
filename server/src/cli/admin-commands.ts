import { readFileSync } from 'node:fs'
import { staffCreateRequest, storeCreateRequest } from '@mall/shared'
import type { AppContext } from '../app-context'
import { DomainError } from '../errors/domain-error'

export const ADMIN_USAGE = `Usage: npm run admin -- <command>
  create-operator --username <name> --name <显示名>   the mall's first (or another) operator account;
                                                      password from ADMIN_PASSWORD or the first line of stdin
  create-stores --file <stores.json>                  the mall's stores: a JSON array of
                                                      {id, name, floor, category, opensAt, closesAt}
                                                      (multiplierPermille 1000 and active true unless given)
  list-stores                                         the stores there are`

export interface AdminIo {
  /** the password for a new account (never taken from the command line: it would show in `ps`) */
  password(): Promise<string>
  out(line: string): void
}

function flag(args: string[], name: string): string {
  const i = args.indexOf(`--${name}`)
  const value = i >= 0 ? args[i + 1] : undefined
  if (!value || value.startsWith('--')) throw new UsageError(`--${name} is required`)
  return value
}

export class UsageError extends Error {}

/**
 * The operator CLI: what a mall's IT needs on a fresh production database instead of the demo seed.
 * Goes through the same services as the console (validation, history rows), as the account `cli`.
 */
export async function runAdminCommand(args: string[], ctx: AppContext, io: AdminIo): Promise<void> {
  const { services, now } = ctx
  switch (args[0]) {
    case 'create-operator': {
      const input = staffCreateRequest.parse({
        username: flag(args, 'username'),
        displayName: flag(args, 'name'),
        password: await io.password(),
        role: 'operator',
        storeId: null,
        note: '命令行创建',
      })
      await services.staffAdmin.create(input, 'cli', now())
      io.out(`operator ${input.username} created: sign in at /admin/`)
      return
    }
    case 'create-stores': {
      const file = JSON.parse(readFileSync(flag(args, 'file'), 'utf8')) as unknown
      if (!Array.isArray(file) || file.length === 0) throw new UsageError('the file must hold a JSON array of stores')
      // Points at 1× and open, unless the file says otherwise.
      const stores = file.map((entry) => storeCreateRequest.parse({ multiplierPermille: 1000, active: true, ...entry }))
      for (const store of stores) {
        try {
          await services.storeAdmin.create(store, 'cli', now())
          io.out(`store ${store.id} ${store.name}: created`)
        } catch (err) {
          if (!(err instanceof DomainError && err.code === 'CONFIG.ALREADY_EXISTS')) throw err
          io.out(`store ${store.id}: exists, left as it is`)
        }
      }
      return
    }
    case 'list-stores':
      for (const s of await services.storeAdmin.list()) io.out(`${s.id}\t${s.name}\t${s.floor}\t${s.category}`)
      return
    default:
      throw new UsageError(ADMIN_USAGE)
  }
}
