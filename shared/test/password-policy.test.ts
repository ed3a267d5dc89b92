import { passwordProblem } from '../src/rules/password-policy'
import { staffPassword } from '../src/contracts/config'

describe('staff password policy', () => {
  it.each(['correct horse battery', 'matrix password 1', '我的密码 2026 年', 'chaos-pass-2026'])('accepts %s', (p) => {
    expect(passwordProblem(p)).toBeNull()
    expect(staffPassword.safeParse(p).success).toBe(true)
  })

  it.each([
    ['short', '至少 10'],
    ['abcdefghijkl', '两类'],
    ['12345678901234', '两类'],
    ['ab1ab1ab1ab1', '少数几个字符'],
    ['Password123', '常见'],
    ['1qaz2wsx3edc', '常见'],
  ])('refuses %s', (p, why) => {
    expect(passwordProblem(p)).toContain(why)
    expect(staffPassword.safeParse(p).success).toBe(false)
  })
})
