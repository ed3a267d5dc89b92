import { CODE128 } from 'jsbarcode/bin/barcodes/CODE128'
import { svgToDataUri } from './base64'

/**
 * Code 128 barcode as SVG. Only jsbarcode's encoder is used (text -> module bits); its
 * DOM/canvas renderers would not run in weapp and would drag in more code.
 * CODE128 "auto" switches to charset C for digit pairs, so numeric member codes stay short.
 */
export interface BarcodeSvgOptions {
  /** Bar height in modules; the image is stretched to the component box anyway. */
  height?: number
  /** Quiet zone each side in modules; scanners need >= 10. */
  quietZone?: number
}

export function encodeCode128(text: string): string {
  const encoder = new CODE128(text, {})
  if (!encoder.valid()) throw new Error('barcode: text not encodable as Code 128')
  return encoder.encode().data
}

export function buildBarcodeSvg(text: string, options: BarcodeSvgOptions = {}): string {
  const height = options.height ?? 60
  const quiet = options.quietZone ?? 10
  const bits = encodeCode128(text)
  const width = bits.length + quiet * 2

  // Merge neighbouring '1' modules into one rect: fewer elements, no hairline gaps.
  let rects = ''
  let i = 0
  while (i < bits.length) {
    if (bits[i] !== '1') {
      i++
      continue
    }
    const start = i
    while (i < bits.length && bits[i] === '1') i++
    rects += `<rect x="${start + quiet}" width="${i - start}" height="${height}"/>`
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" ` +
    `preserveAspectRatio="none" shape-rendering="crispEdges">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<g fill="#000">${rects}</g></svg>`
  )
}

export function barcodeDataUri(text: string, options?: BarcodeSvgOptions): string {
  return svgToDataUri(buildBarcodeSvg(text, options))
}
