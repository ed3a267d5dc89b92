/**
 * Minimal base64 for ASCII strings. We need it to turn our own SVG markup into a
 * `data:image/svg+xml;base64,...` URI, and `btoa` does not exist in the weapp runtime.
 * Pulling in a polyfill library for ~20 lines is not worth main-package bytes.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

export function asciiToBase64(input: string): string {
  let out = ''
  for (let i = 0; i < input.length; i += 3) {
    const a = charByte(input, i)
    const hasB = i + 1 < input.length
    const hasC = i + 2 < input.length
    const b = hasB ? charByte(input, i + 1) : 0
    const c = hasC ? charByte(input, i + 2) : 0
    const triple = (a << 16) | (b << 8) | c
    out += ALPHABET.charAt((triple >> 18) & 63)
    out += ALPHABET.charAt((triple >> 12) & 63)
    out += hasB ? ALPHABET.charAt((triple >> 6) & 63) : '='
    out += hasC ? ALPHABET.charAt(triple & 63) : '='
  }
  return out
}

function charByte(s: string, i: number): number {
  const code = s.charCodeAt(i)
  // SVG we generate is pure ASCII; fail loudly instead of silently corrupting the image.
  if (code > 0x7f) throw new Error(`asciiToBase64: non-ASCII character at ${i}`)
  return code
}

export function svgToDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${asciiToBase64(svg)}`
}
