/**
 * The password policy for staff accounts (docs/privacy-security.md): at least 10 characters, at least two kinds of
 * character (letters, digits, anything else: spaces, punctuation, Chinese), not one character repeated and not a
 * password from the lists attackers try first. A long passphrase of plain words passes; `password123` does not.
 */
export const PASSWORD_MIN_LENGTH = 10

const COMMON = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  'qwertyuiop',
  '1qaz2wsx3edc',
  'password123',
  'password1234',
  'passw0rd123',
  'admin12345',
  'admin123456',
  'abc1234567',
  'abcd123456',
  'a123456789',
  'iloveyou123',
  'woaini1314',
  'qwerty12345',
  'welcome123',
  'changeme123',
])

/** Why a password is refused (zh-CN, for the operator setting it), or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`
  const kinds = [/[A-Za-z]/, /\d/, /[^A-Za-z\d]/].filter((re) => re.test(password)).length
  if (kinds < 2) return '密码需包含至少两类字符（字母、数字、空格或符号）'
  if (new Set(password).size < 4) return '密码不能由少数几个字符重复组成'
  if (COMMON.has(password.toLowerCase())) return '该密码过于常见，请换一个'
  return null
}
