#!/usr/bin/env node
/**
 * Draws the bottom tab bar's icons (81×81 PNG, grey and active blue) into miniapp/src/assets/tab/ and the
 * H5 favicon (assets/favicon.png; paste the printed data URL into src/index.html).
 * Hand-written with node's zlib instead of an image library: four line icons do not justify a
 * rasteriser dependency. Shapes are sampled 4×4 per pixel for smooth edges. Run after changing a shape:
 *   node scripts/make-tab-icons.js
 */
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')

const ICON_SIZE = 81
const SAMPLES = 4
const COLOURS = { normal: [0x8a, 0x8f, 0x9c], active: [0x2f, 0x6b, 0xff] }
const OUT = path.join(__dirname, '..', 'miniapp', 'src', 'assets', 'tab')

const dist = (x1, y1, x2, y2) => Math.hypot(x1 - x2, y1 - y2)
/** distance from (x, y) to the segment a–b */
function segment(x, y, [ax, ay], [bx, by]) {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
  return dist(x, y, ax + t * (bx - ax), ay + t * (by - ay))
}
const polyline = (points, width) => (x, y) => points.slice(1).some((p, i) => segment(x, y, points[i], p) <= width / 2)
const ring = (cx, cy, r, width) => (x, y) => Math.abs(dist(x, y, cx, cy) - r) <= width / 2
const box = (x1, y1, x2, y2) => (x, y) => x >= x1 && x <= x2 && y >= y1 && y <= y2
const outline = (x1, y1, x2, y2, w) =>
  polyline(
    [
      [x1, y1],
      [x2, y1],
      [x2, y2],
      [x1, y2],
      [x1, y1],
    ],
    w,
  )
const any =
  (...shapes) =>
  (x, y) =>
    shapes.some((s) => s(x, y))

const W = 6
const ICONS = {
  // house: roof and walls with a door
  home: any(
    polyline(
      [
        [12, 38],
        [40.5, 13],
        [69, 38],
      ],
      W,
    ),
    polyline(
      [
        [20, 33],
        [20, 68],
        [61, 68],
        [61, 33],
      ],
      W,
    ),
    polyline(
      [
        [34, 68],
        [34, 50],
        [47, 50],
        [47, 68],
      ],
      W,
    ),
  ),
  // member code: three finder squares and a few modules
  code: any(
    outline(13, 13, 34, 34, W),
    box(20, 20, 27, 27),
    outline(47, 13, 68, 34, W),
    box(54, 20, 61, 27),
    outline(13, 47, 34, 68, W),
    box(20, 54, 27, 61),
    box(46, 46, 55, 55),
    box(59, 59, 68, 68),
    box(59, 46, 68, 52),
    box(46, 60, 52, 68),
  ),
  // points mall: a gift box with a bow
  mall: any(
    outline(14, 32, 67, 44, W),
    polyline(
      [
        [19, 44],
        [19, 68],
        [62, 68],
        [62, 44],
      ],
      W,
    ),
    polyline(
      [
        [40.5, 32],
        [40.5, 68],
      ],
      W,
    ),
    ring(32, 24, 7, 5),
    ring(49, 24, 7, 5),
  ),
  // me: head and shoulders
  me: any(ring(40.5, 27, 12, W), (x, y) => y <= 68 && y >= 44 && Math.abs(dist(x, y, 40.5, 72) - 26) <= W / 2),
}

function png(shape, [r, g, b], SIZE = ICON_SIZE) {
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE)
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0
    for (let x = 0; x < SIZE; x++) {
      let hits = 0
      for (let sy = 0; sy < SAMPLES; sy++)
        for (let sx = 0; sx < SAMPLES; sx++) if (shape(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES)) hits++
      const o = y * (SIZE * 4 + 1) + 1 + x * 4
      raw[o] = r
      raw[o + 1] = g
      raw[o + 2] = b
      raw[o + 3] = Math.round((255 * hits) / SAMPLES ** 2)
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(SIZE, 0)
  header.writeUInt32BE(SIZE, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

fs.mkdirSync(OUT, { recursive: true })
for (const [name, shape] of Object.entries(ICONS)) {
  for (const [state, colour] of Object.entries(COLOURS)) {
    const file = path.join(OUT, `${name}${state === 'active' ? '-active' : ''}.png`)
    fs.writeFileSync(file, png(shape, colour))
  }
}
// The H5 favicon (32×32): the active-blue gift mark, inlined into miniapp/src/index.html as a data URL.
const scaled = (shape, k) => (x, y) => shape(x * k, y * k)
const favicon = png(scaled(ICONS.mall, 81 / 32), COLOURS.active, 32)
fs.writeFileSync(path.join(OUT, '..', 'favicon.png'), favicon)
console.log(`favicon: data:image/png;base64,${favicon.toString('base64')}`)
console.log(`tab icons written to ${path.relative(process.cwd(), OUT)}`)
