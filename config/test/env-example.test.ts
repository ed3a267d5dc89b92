import { readFileSync } from 'node:fs'
import path from 'node:path'
import { CONFIG_VARIABLES, loadConfig } from '../src'

/** .env.example lists every variable the server reads, and nothing else, so a deploy misses none. */
const listed = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8')
  .split('\n')
  .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
  .filter((name): name is string => Boolean(name))

it('lists every variable of the config schema, once', () => {
  expect([...listed].sort()).toEqual([...CONFIG_VARIABLES].sort())
})

it('its non-secret values are valid settings', () => {
  const values: Record<string, string> = {}
  for (const line of readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(\S*)/.exec(line)
    if (m && m[2]) values[m[1]!] = m[2]
  }
  expect(() => loadConfig({ ...values, NODE_ENV: 'development' }, {})).not.toThrow()
})
