import { createHash } from 'node:crypto'
import sharp from 'sharp'
import { DHASH_SIZE, differenceHash, photoFormat, RECEIPT_PHOTO_MAX_BYTES } from '@mall/shared'
import { DomainError } from '../../errors/domain-error'

/** A photo made safe to keep: re-encoded as JPEG (no EXIF, GPS or other metadata survives), with its hashes. */
export interface IntakePhoto {
  jpeg: Buffer
  /** SHA-256 of the uploaded bytes: the very same file sent again */
  sha256: string
  /** difference hash of the picture (256 bits): the same photo re-saved, shrunk or forwarded */
  dhash: string
}

/** Longest side kept: enough to read a receipt, small enough to store (about 200–400 KB). */
const MAX_SIDE = 2000
/** Decompression bombs: a 5 MB file may still claim a billion pixels. */
const MAX_INPUT_PIXELS = 40_000_000

/** Decodes a data URL or bare base64; the declared type is ignored (the bytes say what it is). */
function decode(photo: string): Buffer {
  const comma = photo.startsWith('data:') ? photo.indexOf(',') : -1
  const base64 = comma >= 0 ? photo.slice(comma + 1) : photo
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw badImage('photo is not base64')
  return Buffer.from(base64, 'base64')
}

const badImage = (why: string) => new DomainError('RECEIPT_PHOTO.BAD_IMAGE', why)

/**
 * Checks the upload by its content (size, then the format's magic bytes, then a full decode by libvips),
 * turns it upright by its EXIF orientation, scales it down and re-encodes it without metadata.
 */
export async function intakePhoto(photo: string): Promise<IntakePhoto> {
  const raw = decode(photo)
  if (raw.length > RECEIPT_PHOTO_MAX_BYTES)
    throw new DomainError('RECEIPT_PHOTO.TOO_LARGE', 'photo is larger than 5 MB', { bytes: raw.length })
  if (!photoFormat(raw)) throw badImage('photo is not a JPEG, PNG or WebP image')
  const input = () => sharp(raw, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
  try {
    const jpeg = await input()
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer()
    // Hashed from the upright picture, so a rotated copy of the same file hashes alike.
    const grey = await sharp(jpeg)
      .greyscale()
      .resize(DHASH_SIZE + 1, DHASH_SIZE, { fit: 'fill', kernel: 'cubic' })
      .raw()
      .toBuffer()
    return {
      jpeg,
      sha256: createHash('sha256').update(raw).digest('hex'),
      dhash: differenceHash(new Uint8Array(grey.buffer, grey.byteOffset, grey.length)),
    }
  } catch (err) {
    if (err instanceof DomainError) throw err
    throw badImage(`photo does not decode: ${(err as Error).message.slice(0, 120)}`)
  }
}

/** A grey, upright copy for OCR: tesseract reads a clean greyscale PNG best. */
export function ocrInput(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg).greyscale().normalise().png().toBuffer()
}
