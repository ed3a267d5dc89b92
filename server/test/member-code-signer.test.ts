import { signCode, verifyCode } from '../src/modules/member-code/signer'

const SECRET = 'unit-test-secret-unit-test-secret-0000'

describe('member code signer', () => {
  const step = 59_000_123

  it('round-trips within ±1 step', () => {
    const code = signCode(SECRET, 'member', '12345678', step)
    expect(code).toMatch(/^112345678[0-9]{10}$/)
    for (const now of [step - 1, step, step + 1]) {
      expect(verifyCode(SECRET, 'member', code, now)).toEqual({ ok: true, subject: '12345678', step })
    }
  })

  it('reports a correctly signed older code as expired', () => {
    const code = signCode(SECRET, 'member', '12345678', step)
    expect(verifyCode(SECRET, 'member', code, step + 2)).toEqual({ ok: false, reason: 'expired' })
    expect(verifyCode(SECRET, 'member', code, step + 40)).toEqual({ ok: false, reason: 'expired' })
  })

  it('rejects another secret, a changed member and a changed digit', () => {
    const code = signCode(SECRET, 'member', '12345678', step)
    expect(verifyCode('another-secret-another-secret-0000000', 'member', code, step).ok).toBe(false)
    expect(verifyCode(SECRET, 'member', `187654321${code.slice(9)}`, step)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
    const flipped = code.slice(0, -1) + ((Number(code.at(-1)) + 1) % 10)
    expect(verifyCode(SECRET, 'member', flipped, step)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('rejects malformed input', () => {
    for (const bad of ['', '1', 'abc', '2123456789012345678', '11234567890123456789', '1 23456789012345678']) {
      expect(verifyCode(SECRET, 'member', bad, step)).toEqual({ ok: false, reason: 'malformed' })
    }
  })

  it('binds the code to its step: the same member gets different codes in different steps', () => {
    const codes = new Set(Array.from({ length: 50 }, (_, i) => signCode(SECRET, 'member', '12345678', step + i)))
    expect(codes.size).toBe(50)
  })
})
