import Taro from '@tarojs/taro'
import { RECEIPT_PHOTO_MAX_BYTES } from '@mall/shared'
import { requirePrivacyAuthorize } from '../services/privacy'

/** Bytes a base64 data URL decodes to. */
const decodedBytes = (dataUrl: string) => Math.floor(((dataUrl.length - dataUrl.indexOf(',') - 1) * 3) / 4)
const fits = (dataUrl: string) => decodedBytes(dataUrl) <= RECEIPT_PHOTO_MAX_BYTES

/**
 * Lets the member take or choose one receipt photo and returns it as a data URL (≤ 5 MB), or null when they
 * cancel. weapp: chooseMedia (camera or album, compressed), read as base64, compressed harder while too big;
 * H5: chooseImage opens the browser's file input, the File is read with FileReader and, when too big,
 * re-encoded smaller on a canvas. The server checks the type by the bytes either way.
 */
export async function pickReceiptPhoto(): Promise<string | null> {
  if (process.env.TARO_ENV === 'h5') {
    let chosen: Taro.chooseImage.SuccessCallbackResult
    try {
      chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
    } catch {
      return null
    }
    const file = chosen.tempFiles[0] as unknown as { originalFileObj?: Blob; path: string } | undefined
    return file ? fromBrowserFile(file) : null
  }
  let media: Taro.chooseMedia.SuccessCallbackResult
  try {
    await requirePrivacyAuthorize() // declined: the same as cancelling the picker
    media = await Taro.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
    })
  } catch {
    return null
  }
  const path = media.tempFiles[0]?.tempFilePath
  return path ? fromWeappFile(path) : null
}

function readBase64(filePath: string): Promise<string> {
  return new Promise((resolve, reject) =>
    Taro.getFileSystemManager().readFile({
      filePath,
      encoding: 'base64',
      success: (r) => resolve(String(r.data)),
      fail: () => reject(new Error('照片读取失败，请重试')),
    }),
  )
}

async function fromWeappFile(path: string): Promise<string> {
  const mime = /\.png$/i.test(path) ? 'image/png' : 'image/jpeg'
  const first = `data:${mime};base64,${await readBase64(path)}`
  if (fits(first)) return first
  for (const quality of [60, 35]) {
    const { tempFilePath } = await Taro.compressImage({ src: path, quality })
    const smaller = `data:image/jpeg;base64,${await readBase64(tempFilePath)}`
    if (fits(smaller)) return smaller
  }
  throw new Error('照片太大，请换一张或重新拍摄')
}

async function fromBrowserFile(file: { originalFileObj?: Blob; path: string }): Promise<string> {
  const blob = file.originalFileObj ?? (await (await fetch(file.path)).blob())
  const original = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(new Error('照片读取失败，请重试'))
    reader.readAsDataURL(blob)
  })
  if (fits(original)) return original
  const img = await new Promise<HTMLImageElement>((resolve, reject) => {
    const el = new Image()
    el.onload = () => resolve(el)
    el.onerror = () => reject(new Error('无法识别该照片，请换一张'))
    el.src = original
  })
  for (const side of [2000, 1400]) {
    const scale = Math.min(1, side / Math.max(img.width, img.height))
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, Math.round(img.width * scale))
    canvas.height = Math.max(1, Math.round(img.height * scale))
    canvas.getContext('2d')?.drawImage(img, 0, 0, canvas.width, canvas.height)
    const jpeg = canvas.toDataURL('image/jpeg', 0.8)
    if (fits(jpeg)) return jpeg
  }
  throw new Error('照片太大，请换一张或重新拍摄')
}
