import { asciiToBase64, svgToDataUri } from '../src/lib/base64'
import { formatMemberNo, formatPoints } from '../src/lib/format'
import { buildQrSvg } from '../src/lib/qr-svg'
import { buildBarcodeSvg, encodeCode128 } from '../src/lib/barcode-svg'
import { planRefresh, secondsUntil, MIN_REFRESH_DELAY_MS } from '../src/lib/refresh-schedule'
import { tierTheme } from '../src/lib/tier-theme'

describe('asciiToBase64', () => {
  it.each(['', 'a', 'ab', 'abc', 'abcd', '<svg viewBox="0 0 29 29"/>'])('matches Buffer for %p', (s) => {
    expect(asciiToBase64(s)).toBe(Buffer.from(s, 'ascii').toString('base64'))
  })

  it('refuses non-ASCII instead of corrupting the image', () => {
    expect(() => asciiToBase64('会员')).toThrow(/non-ASCII/)
  })

  it('builds an SVG data URI', () => {
    expect(svgToDataUri('<svg/>')).toBe(`data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`)
  })
})

describe('formatting', () => {
  it('groups member numbers in fours', () => {
    expect(formatMemberNo('8800123456781234')).toBe('8800 1234 5678 1234')
    expect(formatMemberNo('88001234567')).toBe('8800 1234 567')
    expect(formatMemberNo('8800 1234')).toBe('8800 1234')
  })

  it('adds thousands separators to points', () => {
    expect(formatPoints(0)).toBe('0')
    expect(formatPoints(999)).toBe('999')
    expect(formatPoints(12345)).toBe('12,345')
    expect(formatPoints(-1234567)).toBe('-1,234,567')
  })

  it('maps tier levels to card themes', () => {
    expect(tierTheme(1).className).toBe('tier-basic')
    expect(tierTheme(3).className).toBe('tier-gold')
    expect(tierTheme(9).className).toBe('tier-diamond')
    expect(tierTheme(0).className).toBe('tier-basic')
  })
})

describe('buildQrSvg', () => {
  it('draws a square symbol with a 4-module quiet zone and the top-left finder pattern', () => {
    const svg = buildQrSvg('123456789012')
    const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1])
    // version 1 = 21 modules; + 2 x 4 quiet zone
    expect(size).toBe(29)
    // finder pattern: first dark row starts at (4,4) with a 7-module run
    expect(svg).toContain('M4 4h7v1h-7z')
    expect(svg).not.toMatch(/[^\x20-\x7e]/)
  })

  it('grows the symbol for longer payloads', () => {
    const small = buildQrSvg('1')
    const large = buildQrSvg('X'.repeat(100))
    expect(large.length).toBeGreaterThan(small.length)
  })
})

describe('Code 128 barcode', () => {
  it('encodes digits with charset C (start C ... stop)', () => {
    const bits = encodeCode128('123456')
    expect(bits.startsWith('11010011100')).toBe(true) // START C
    expect(bits.endsWith('1100011101011')).toBe(true) // STOP
    expect(bits).toHaveLength(11 * 5 + 13) // start + 3 pairs + checksum + stop
  })

  it('turns runs of bars into rects inside a quiet zone', () => {
    const svg = buildBarcodeSvg('123456', { height: 50, quietZone: 10 })
    expect(svg).toContain('viewBox="0 0 88 50"')
    expect(svg).toContain('<rect x="10" width="2" height="50"/>') // start C begins with "11"
  })
})

describe('planRefresh', () => {
  const base = { stepSeconds: 30 }

  it('shifts the server deadline by the clock skew', () => {
    // phone is 60 s behind the server; code expires 20 s from now on the server clock
    const local = Date.UTC(2025, 0, 1, 12, 0, 0)
    const server = local + 60_000
    const plan = planRefresh(
      { ...base, serverTime: new Date(server).toISOString(), refreshAt: new Date(server + 20_000).toISOString() },
      local,
    )
    expect(plan.skewMs).toBe(60_000)
    expect(plan.refreshAtLocal).toBe(local + 20_000)
    expect(secondsUntil(plan.refreshAtLocal, local + 500)).toBe(20)
  })

  it('never schedules a refresh in the past', () => {
    const local = Date.now()
    const iso = new Date(local).toISOString()
    const plan = planRefresh({ ...base, serverTime: iso, refreshAt: new Date(local - 5_000).toISOString() }, local)
    expect(plan.refreshAtLocal).toBe(local + MIN_REFRESH_DELAY_MS)
    expect(secondsUntil(plan.refreshAtLocal, local + 10_000)).toBe(0)
  })

  it('falls back to one step when refreshAt is unparseable', () => {
    const plan = planRefresh({ ...base, serverTime: 'nope', refreshAt: 'nope' }, 1_000_000)
    expect(plan).toEqual({ refreshAtLocal: 1_000_000 + 30_000, skewMs: 0 })
  })
})
