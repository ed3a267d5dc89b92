import { tillAnomalyFlags } from '../src'

const hours = { opensAt: '10:00', closesAt: '22:00' }
// 12:00 in Shanghai
const noon = new Date('2026-11-20T04:00:00Z')

describe('till anomaly flags', () => {
  it('flags nothing on an ordinary award', () => {
    expect(tillAnomalyFlags({ ...hours, amountFen: 88_50, visitsToday: 1 }, noon)).toEqual([])
  })

  it('flags round amounts from 500 yuan on', () => {
    expect(tillAnomalyFlags({ ...hours, amountFen: 500_00, visitsToday: 1 }, noon)).toEqual(['round_amount'])
    expect(tillAnomalyFlags({ ...hours, amountFen: 400_00, visitsToday: 1 }, noon)).toEqual([])
    expect(tillAnomalyFlags({ ...hours, amountFen: 500_50, visitsToday: 1 }, noon)).toEqual([])
  })

  it('flags awards outside the opening hours by the Shanghai clock', () => {
    const late = new Date('2026-11-20T14:30:00Z') // 22:30 in Shanghai
    expect(tillAnomalyFlags({ ...hours, amountFen: 88_50, visitsToday: 1 }, late)).toEqual(['outside_opening_hours'])
    const atClose = new Date('2026-11-20T14:00:00Z') // 22:00
    expect(tillAnomalyFlags({ ...hours, amountFen: 88_50, visitsToday: 1 }, atClose)).toEqual([])
  })

  it('flags the third award of one member by one staff member in a day', () => {
    expect(tillAnomalyFlags({ ...hours, amountFen: 88_50, visitsToday: 2 }, noon)).toEqual([])
    expect(tillAnomalyFlags({ ...hours, amountFen: 88_50, visitsToday: 3 }, noon)).toEqual(['repeat_member'])
  })
})
