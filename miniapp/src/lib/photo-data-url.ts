import Taro from '@tarojs/taro'
import { feedbackPhotoProblem } from '@mall/shared'
import { requirePrivacyAuthorize } from '../services/privacy'

const unacceptable = (dataUrl: string) => feedbackPhotoProblem(dataUrl) !== null

/**
 * Lets the member pick one photo (album or camera) and returns it as a JPEG/PNG data URL the
 * feedback API accepts (≤ 300 KB), or null when they cancel. weapp: the compressed image is read
 * as base64 (compressed harder when still too big); H5: chooseImage hands over the file input's
 * File, which is read with FileReader and, when too big or not JPEG/PNG, re-encoded on a canvas.
 * Throws an Error with zh-CN copy when no acceptable photo can be made.
 */
export async function pickPhotoDataUrl(): Promise<string | null> {
  let chosen: Taro.chooseImage.SuccessCallbackResult
  try {
    await requirePrivacyAuthorize() // weapp; declined is the same as cancelling the picker
    chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
  } catch {
    return null // cancelled
  }
  const file = chosen.tempFiles[0]
  if (!file) return null
  const dataUrl =
    process.env.TARO_ENV === 'h5'
      ? await fromBrowserFile(file as unknown as { originalFileObj?: Blob; path: string })
      : await fromWeappFile(file.path)
  if (unacceptable(dataUrl)) throw new Error('图片需为 JPG/PNG 且不超过 300KB，请换一张')
  return dataUrl
}

async function fromWeappFile(path: string): Promise<string> {
  const read = (filePath: string) =>
    new Promise<string>((resolve, reject) =>
      Taro.getFileSystemManager().readFile({
        filePath,
        encoding: 'base64',
        success: (r) => resolve(String(r.data)),
        fail: reject,
      }),
    )
  const mime = /\.png$/i.test(path) ? 'image/png' : 'image/jpeg'
  const first = `data:${mime};base64,${await read(path)}`
  if (!unacceptable(first)) return first
  for (const quality of [60, 30]) {
    const { tempFilePath } = await Taro.compressImage({ src: path, quality })
    const smaller = `data:image/jpeg;base64,${await read(tempFilePath)}`
    if (!unacceptable(smaller)) return smaller
  }
  return first
}

async function fromBrowserFile(file: { originalFileObj?: Blob; path: string }): Promise<string> {
  const blob = file.originalFileObj ?? (await (await fetch(file.path)).blob())
  const original = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(new Error('图片读取失败，请重试'))
    reader.readAsDataURL(blob)
  })
  if (!unacceptable(original)) return original
  const img = await new Promise<HTMLImageElement>((resolve, reject) => {
    const el = new Image()
    el.onload = () => resolve(el)
    el.onerror = () => reject(new Error('无法识别该图片，请换一张 JPG/PNG 图片'))
    el.src = original
  })
  for (const [side, quality] of [
    [1280, 0.8],
    [1024, 0.7],
    [800, 0.6],
    [640, 0.5],
  ] as const) {
    const scale = Math.min(1, side / Math.max(img.width, img.height))
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, Math.round(img.width * scale))
    canvas.height = Math.max(1, Math.round(img.height * scale))
    canvas.getContext('2d')?.drawImage(img, 0, 0, canvas.width, canvas.height)
    const jpeg = canvas.toDataURL('image/jpeg', quality)
    if (!unacceptable(jpeg)) return jpeg
  }
  return original
}
