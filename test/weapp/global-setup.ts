import databaseSetup from '../support/global-setup'
import { ensureLaneBuilds } from './support/lane-build'

/** The embedded database (shared with the other projects), then the lane's own weapp builds. */
export default async function globalSetup(): Promise<void> {
  await databaseSetup()
  ensureLaneBuilds((line) => process.stderr.write(`${line}\n`))
}
