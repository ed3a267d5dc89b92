import qrcode from 'qrcode-generator'
import { svgToDataUri } from './base64'

/**
 * Builds the member QR code as a tiny SVG. We use only qrcode-generator's matrix (no DOM,
 * no canvas) so the exact same code path runs in weapp, H5 and jsdom tests.
 */
export interface QrSvgOptions {
  /** Error correction. 'M' (15%) survives screen glare and scratched scanner windows. */
  level?: 'L' | 'M' | 'Q' | 'H'
  /** Blank border in modules; the QR spec asks for 4. */
  quietZone?: number
}

export function buildQrSvg(text: string, options: QrSvgOptions = {}): string {
  const level = options.level ?? 'M'
  const quiet = options.quietZone ?? 4
  const qr = qrcode(0, level) // 0 = smallest version that fits the data
  qr.addData(text)
  qr.make()
  const count = qr.getModuleCount()
  const size = count + quiet * 2

  // One path with horizontal runs keeps the SVG (and the data URI) small: ~1-2 KB.
  let d = ''
  for (let row = 0; row < count; row++) {
    let col = 0
    while (col < count) {
      if (!qr.isDark(row, col)) {
        col++
        continue
      }
      const start = col
      while (col < count && qr.isDark(row, col)) col++
      d += `M${start + quiet} ${row + quiet}h${col - start}v1h${start - col}z`
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path d="${d}" fill="#000"/></svg>`
  )
}

export function qrDataUri(text: string, options?: QrSvgOptions): string {
  return svgToDataUri(buildQrSvg(text, options))
}
