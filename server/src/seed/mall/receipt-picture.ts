import sharp from 'sharp'

export interface ReceiptLines {
  store: string
  receiptNo: string
  /** as printed, Shanghai time: '2026-12-05 14:32:10' */
  time: string
  /** yuan, as printed: '56.50' */
  total: string
  items: [string, string][]
}

/**
 * A receipt as a phone would photograph it, drawn because the demo ships no image files (and the OCR tests
 * download none): black text (Pango, the machine's CJK font) on white paper, turned a little and laid on a
 * table, as a lossless PNG. `seed` varies the angle (seed % 9 − 4 degrees: 4 lies straight), the table's
 * colour and where the paper lies, as two photos of receipts differ; the same text and seed give the same
 * picture. Callers encode it as the photo they need (receiptPicture below; the tests' receiptImage).
 */
export async function receiptScene(r: ReceiptLines, seed: number): Promise<Buffer> {
  const lines = [
    r.store,
    `小票号 No: ${r.receiptNo}`,
    `日期: ${r.time}`,
    ...r.items.map(([name, price]) => `${name.padEnd(12, ' ')}${price}`),
    `合计 TOTAL: ${r.total}`,
    '谢谢惠顾',
  ]
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  const text = await sharp({
    text: {
      text: `<span foreground="black">${escape(lines.join('\n'))}</span>`,
      font: 'WenQuanYi Zen Hei',
      dpi: 200,
      rgba: true,
      spacing: 10,
    },
  })
    .png()
    .toBuffer()
  const paper = await sharp({ create: { width: 640, height: 600, channels: 3, background: '#fbfbf7' } })
    .composite([{ input: text, top: 30, left: 30 }])
    .png()
    .toBuffer()
  const turned = await sharp(paper)
    .rotate((seed % 9) - 4, { background: '#6b4f3a' })
    .png()
    .toBuffer()
  const tone = 60 + ((seed * 37) % 120)
  return sharp({
    create: { width: 900, height: 800, channels: 3, background: { r: tone, g: Math.floor(tone * 0.8), b: 50 } },
  })
    .composite([{ input: turned, top: 20 + ((seed * 13) % 120), left: 20 + ((seed * 29) % 160) }])
    .png()
    .toBuffer()
}

/**
 * The demo's receipt photo as a data URL (JPEG). `retake` is the same receipt photographed again (a touch
 * lighter, re-compressed): different bytes, nearly the same picture.
 */
export async function receiptPicture(r: ReceiptLines, seed: number, retake = false): Promise<string> {
  const photo = await receiptScene(r, seed)
  const shot = retake ? sharp(photo).modulate({ brightness: 1.04 }) : sharp(photo)
  const jpeg = await shot.jpeg({ quality: retake ? 82 : 90 }).toBuffer()
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`
}
