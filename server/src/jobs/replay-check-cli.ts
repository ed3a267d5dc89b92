import { openCliContext } from '../cli/cli-context'
import { LedgerService } from '../modules/ledger/ledger.service'
import { MemberRepo } from '../modules/members/member.repo'
import { replayCheck } from './replay-check'

/**
 * `npm run replay-check`: rebuilds every wallet from its entries and compares with every stored
 * snapshot. Uses MONGODB_URI, or the running server's embedded database on DEVDB_PORT, or the embedded
 * database's data directory (cli-context.ts). Exit 1 on any difference.
 */
async function main(): Promise<void> {
  const cli = await openCliContext()
  const { conn } = cli
  try {
    const report = await replayCheck(new LedgerService(conn, new MemberRepo(conn)))
    for (const d of report.differences.slice(0, 50)) console.log(`member ${d.memberId} seq ${d.seq}: ${d.problem}`)
    console.log(
      `replay check: ${report.members} members, ${report.entries} entries, ${report.differences.length} differences`,
    )
    process.exitCode = report.differences.length === 0 ? 0 : 1
  } finally {
    await cli.close()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(2)
})
