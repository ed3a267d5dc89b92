import type { DirectoryStore } from '@mall/shared'

/** Floors in walking order: B2, B1, 1F, 2F, … (anything unrecognised last, by name). */
export function floorRank(floor: string): number {
  const basement = /^B(\d+)$/i.exec(floor)
  if (basement) return -Number(basement[1])
  const above = /^(\d+)\s*F?$/i.exec(floor) ?? /^L(\d+)$/i.exec(floor)
  if (above) return Number(above[1])
  return 1000
}

export function floorsOf(stores: DirectoryStore[]): string[] {
  const floors = [...new Set(stores.map((s) => s.floor).filter(Boolean))]
  return floors.sort((a, b) => floorRank(a) - floorRank(b) || a.localeCompare(b))
}

export function categoriesOf(stores: DirectoryStore[]): string[] {
  return [...new Set(stores.map((s) => s.category).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'zh-CN'))
}

export interface DirectoryFilter {
  floor: string | null
  category: string | null
}

export function filterStores(stores: DirectoryStore[], f: DirectoryFilter): DirectoryStore[] {
  return stores
    .filter((s) => (f.floor === null || s.floor === f.floor) && (f.category === null || s.category === f.category))
    .sort((a, b) => floorRank(a.floor) - floorRank(b.floor) || a.name.localeCompare(b.name, 'zh-CN'))
}

/** The first character of the name (a Chinese character, or a letter upper-cased) stands in for a logo. */
export function monogram(name: string): string {
  const first = Array.from(name.trim())[0] ?? '店'
  return first.toUpperCase()
}
