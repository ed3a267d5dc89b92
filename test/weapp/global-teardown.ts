import databaseTeardown from '../support/global-teardown'
import { mergeMetrics } from './support/metrics'

/** Prints the lane's setData table (and writes test-results/weapp/metrics.json), then stops the database. */
export default async function globalTeardown(): Promise<void> {
  const table = mergeMetrics()
  if (table) process.stdout.write(`\n${table}\n`)
  await databaseTeardown()
}
