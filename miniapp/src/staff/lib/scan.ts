import Taro from '@tarojs/taro'

/**
 * Camera scanning. weapp: Taro.scanCode (QR and barcodes). Taro's H5 scanCode needs the WeChat
 * JS-SDK, so H5 uses the browser's BarcodeDetector instead where available (h5-camera-scan.ts)
 * and otherwise relies on typed codes.
 */
export const canScan = process.env.TARO_ENV === 'weapp'

/** The scanned text, or null when the clerk cancelled. Other failures throw. */
export async function scanCode(): Promise<string | null> {
  try {
    const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] })
    return res.result || null
  } catch (e) {
    const msg = (e as { errMsg?: string } | null)?.errMsg ?? ''
    if (/cancel/i.test(msg)) return null
    throw e
  }
}
