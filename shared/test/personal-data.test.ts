import { csvCell, maskAddress, maskBirthday, maskName, maskPhone, revealFieldRequest, toCsv } from '../src'

describe('masking personal data for staff eyes', () => {
  it('keeps the first character of a name (and the last of a long one)', () => {
    expect(maskName('张三')).toBe('张*')
    expect(maskName('张三明')).toBe('张*明')
    expect(maskName('欧阳小明')).toBe('欧**明')
    expect(maskName('field-access-alice')).toBe('f***e')
    expect(maskName('😀')).toBe('*')
    expect(maskName('😀小明')).toBe('😀*明') // an emoji is one character, not two halves
    expect(maskName('')).toBe('')
    expect(maskName(null)).toBe('')
  })

  it('keeps only the decade of a birthday', () => {
    expect(maskBirthday('1990-07-15')).toBe('199*-**-**')
    expect(maskBirthday('2001-01-01')).toBe('200*-**-**')
    expect(maskBirthday('07-15')).toBe('****-**-**')
    expect(maskBirthday(null)).toBeNull()
    expect(maskBirthday(undefined)).toBeNull()
    expect(maskPhone('13812345678')).toBe('138****5678')
  })

  it('keeps a delivery address to its region, the street only begun', () => {
    const address = { name: '李四', phone: '13900139000', region: '上海市 静安区', detail: '南京西路 1 号' }
    expect(maskAddress(address)).toEqual({
      name: '李*',
      phone: '139****9000',
      region: '上海市 静安区',
      detail: '南京****',
    })
  })

  it('asks a reveal for a field it knows and a reason of at least four characters', () => {
    expect(revealFieldRequest.safeParse({ field: 'phone', reason: '会员来电核实' }).success).toBe(true)
    expect(revealFieldRequest.safeParse({ field: 'phone', reason: ' 核实 ' }).success).toBe(false)
    expect(revealFieldRequest.safeParse({ field: 'openid', reason: '会员来电核实' }).success).toBe(false)
    expect(revealFieldRequest.safeParse({ field: 'phone', reason: '会员\u0000来电核实' }).success).toBe(false)
  })

  it('writes CSV cells a spreadsheet cannot run', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell('a,"b"')).toBe('"a,""b"""')
    expect(toCsv(['会员号'], [['1'], [null]])).toBe('会员号\r\n1\r\n\r\n')
  })
})
