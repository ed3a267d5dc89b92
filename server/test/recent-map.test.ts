import { RecentMap } from '../src/lib/recent-map'

describe('RecentMap', () => {
  it('keeps the most recently set keys up to its bound', () => {
    const m = new RecentMap<string, number>(2)
    m.set('a', 1)
    m.set('b', 2)
    m.set('a', 3) // a is now the newest: b goes first
    m.set('c', 4)
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([3, undefined, 4])
    m.delete('a')
    expect(m.get('a')).toBeUndefined()
  })
})
