import { randomBytes } from 'node:crypto'
import type { Connection, Model } from 'mongoose'
import sharp, { type OutputInfo } from 'sharp'
import { GIFT_IMAGE_MAX_BYTES, type GiftImage } from '@mall/shared'
import { findById } from '../../db/by-id'
import { DomainError } from '../../errors/domain-error'
import { pointsMallModels, type GiftImageDoc } from './points-mall.model'
import { giftImage } from './gift-catalogue.service'

const DISPLAY_PX = 800
const THUMB_PX = 240
// A decompression bomb (a tiny file claiming a huge canvas) is refused before it is decoded.
const MAX_INPUT_PIXELS = 40_000_000

/** The formats accepted, recognised by their first bytes: what a file says it is does not count. */
const MAGIC: { format: string; test: (b: Buffer) => boolean }[] = [
  { format: 'jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    format: 'png',
    test: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    format: 'webp',
    test: (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
]

export const imageFormatOf = (bytes: Buffer): string | null => MAGIC.find((m) => m.test(bytes))?.format ?? null

const unsupported = (why: string) => new DomainError('GIFT.IMAGE_UNSUPPORTED', why)

/**
 * Gift pictures uploaded in the console: checked by their magic bytes, decoded by sharp (a file that
 * only starts right fails there), re-encoded as a JPEG of at most 800 px and a 240 px square
 * thumbnail. Re-encoding also drops whatever else the file carried (EXIF location, scripts).
 */
export class GiftImageService {
  private readonly Image: Model<GiftImageDoc>

  constructor(conn: Connection) {
    this.Image = pointsMallModels(conn).Image
  }

  async upload(dataUrl: string, operatorId: string, at: Date): Promise<GiftImage & { width: number; height: number }> {
    const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64')
    if (bytes.length > GIFT_IMAGE_MAX_BYTES) throw new DomainError('REQUEST.TOO_LARGE', 'image larger than 2 MB')
    if (!imageFormatOf(bytes)) throw unsupported('not a JPEG, PNG or WebP image')
    const input = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate()
    let display: { data: Buffer; info: OutputInfo }
    let thumb: Buffer
    try {
      display = await input()
        .resize(DISPLAY_PX, DISPLAY_PX, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 82, mozjpeg: true })
        .toBuffer({ resolveWithObject: true })
      thumb = await input()
        .resize(THUMB_PX, THUMB_PX, { fit: 'cover' })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 75, mozjpeg: true })
        .toBuffer()
    } catch {
      throw unsupported('the image could not be decoded')
    }
    const doc: GiftImageDoc = {
      _id: randomBytes(16).toString('hex'),
      mime: 'image/jpeg',
      data: display.data,
      thumb,
      width: display.info.width,
      height: display.info.height,
      uploadedBy: operatorId,
      at,
    }
    await this.Image.create(doc)
    return { ...giftImage(doc._id), width: doc.width, height: doc.height }
  }

  async read(imageId: string, size: 'full' | 'thumb'): Promise<{ mime: string; data: Buffer }> {
    const doc = await findById<GiftImageDoc>(this.Image, imageId)
    if (!doc) throw new DomainError('GIFT.IMAGE_NOT_FOUND', 'image not found')
    const data = size === 'thumb' ? doc.thumb : doc.data
    // The driver hands back BSON Binary; the HTTP answer needs a Buffer.
    return { mime: doc.mime, data: Buffer.isBuffer(data) ? data : Buffer.from((data as { buffer: Uint8Array }).buffer) }
  }
}
