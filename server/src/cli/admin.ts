import { createInterface } from 'node:readline'
import { ZodError } from 'zod'
import { ConfigError } from '@mall/config'
import { DomainError } from '../errors/domain-error'
import { openCliContext } from './cli-context'
import { ADMIN_USAGE, runAdminCommand, UsageError } from './admin-commands'

async function readLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin })
  for await (const line of rl) {
    rl.close()
    return line
  }
  return ''
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.length === 0 || args[0] === '--help') {
    process.stdout.write(`${ADMIN_USAGE}\n`)
    return
  }
  const cli = await openCliContext()
  try {
    await runAdminCommand(args, cli.ctx, {
      password: async () => process.env.ADMIN_PASSWORD ?? (await readLine()),
      out: (line) => process.stdout.write(`${line}\n`),
    })
  } finally {
    await cli.close()
  }
}

main().catch((err) => {
  if (err instanceof UsageError) process.stderr.write(`${err.message}\n`)
  else if (err instanceof ZodError)
    process.stderr.write(`invalid input: ${err.issues.map((i) => i.message).join('; ')}\n`)
  else if (err instanceof DomainError || err instanceof ConfigError) process.stderr.write(`${err.message}\n`)
  else process.stderr.write(`failed: ${err?.stack ?? err}\n`)
  process.exit(err instanceof UsageError ? 64 : 1)
})
