/**
 * How many slots of a `<key>#1..max` range are taken (coupon stock, campaign budgets): start from a
 * stored hint — a `$max` that may lose a race on FerretDB, so it can lag — and probe the next slots
 * by `_id`. Counting by a field would scan the collection. Display and simulation only: the unique
 * slot insert is what decides.
 */
export async function slotsInUse(
  hint: number,
  max: number,
  isTaken: (slot: number) => Promise<boolean>,
): Promise<number> {
  let taken = Math.min(hint, max)
  while (taken < max && (await isTaken(taken + 1))) taken++
  return taken
}
