import { probeForward } from './append-chain'

/**
 * How many slots of a `<key>#1..max` range are taken (coupon stock, campaign budgets, prize stock): the
 * chain probe (db/append-chain.ts) from a stored hint — a `$max` that may lose a race on FerretDB, so it
 * can lag — over the next slots by `_id`. Counting by a field would scan the collection. Display and
 * simulation only: the unique slot insert is what decides.
 */
export function slotsInUse(hint: number, max: number, isTaken: (slot: number) => Promise<boolean>): Promise<number> {
  return probeForward(hint, isTaken, max)
}
