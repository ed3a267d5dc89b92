import {
  CameraScanError,
  SCAN_FORMATS,
  cameraErrorKind,
  cameraErrorMessage,
  canCameraScan,
  firstDetectedValue,
  openCameraScan,
  pickFormats,
} from '../src/staff/lib/h5-camera-scan'
import { createFakeCamera, mediaError } from './support/fake-camera'

// Where the browser has no BarcodeDetector (iOS Safari), the ZXing ponyfill is loaded on first use.
const ponyfill = { constructed: [] as unknown[], prepared: [] as unknown[] }
class MockPonyfillDetector {
  static async getSupportedFormats(): Promise<string[]> {
    return ['qr_code', 'code_128', 'ean_13']
  }
  constructor(options: unknown) {
    ponyfill.constructed.push(options)
  }
  async detect(): Promise<{ rawValue: string }[]> {
    return [{ rawValue: '1942000432361967840' }]
  }
}
// the factory runs when the scanner imports the ponyfill, after this file's top level
jest.mock('barcode-detector/ponyfill', () => ({
  prepareZXingModule: (options: unknown) => ponyfill.prepared.push(options),
  BarcodeDetector: MockPonyfillDetector,
}))

describe('pickFormats', () => {
  it('keeps QR and CODE128 in our order, dropping formats we do not use', () => {
    expect(pickFormats(['ean_13', 'code_128', 'qr_code', 'aztec'])).toEqual(['qr_code', 'code_128'])
    expect(pickFormats([...SCAN_FORMATS])).toEqual(['qr_code', 'code_128'])
  })
  it('returns what is available, or nothing', () => {
    expect(pickFormats(['qr_code'])).toEqual(['qr_code'])
    expect(pickFormats(['ean_13', 'upc_a'])).toEqual([])
    expect(pickFormats([])).toEqual([])
    expect(pickFormats(undefined)).toEqual([])
  })
})

describe('firstDetectedValue', () => {
  it('takes the first non-blank rawValue, trimmed', () => {
    expect(firstDetectedValue([{ rawValue: '  ' }, { rawValue: ' 482915736201\n' }, { rawValue: 'other' }])).toBe(
      '482915736201',
    )
  })
  it('is null when nothing usable was read', () => {
    expect(firstDetectedValue([])).toBeNull()
    expect(firstDetectedValue(null)).toBeNull()
    expect(firstDetectedValue([{ rawValue: '' }, {}, { rawValue: 42 }])).toBeNull()
  })
})

describe('cameraErrorMessage', () => {
  it.each([
    ['NotAllowedError', 'denied', '未获得摄像头权限，请在浏览器设置中允许后重试，或手动输入'],
    ['PermissionDeniedError', 'denied', '未获得摄像头权限，请在浏览器设置中允许后重试，或手动输入'],
    ['SecurityError', 'insecure', '当前页面无法使用摄像头（需 HTTPS），请手动输入'],
    ['NotFoundError', 'no-camera', '未找到可用的摄像头，请手动输入'],
    ['OverconstrainedError', 'no-camera', '未找到可用的摄像头，请手动输入'],
    ['NotReadableError', 'busy', '摄像头被占用或无法启动，请关闭其他使用摄像头的应用后重试，或手动输入'],
    ['NotSupportedError', 'unsupported', '当前浏览器不支持摄像头扫码，请手动输入'],
    ['WeirdError', 'failed', '摄像头扫码失败，请手动输入'],
  ])('%s -> %s', (name, kind, message) => {
    expect(cameraErrorKind(mediaError(name))).toBe(kind)
    expect(cameraErrorMessage(mediaError(name))).toBe(message)
  })
  it('handles our own errors and non-errors', () => {
    expect(cameraErrorKind(new CameraScanError('unsupported'))).toBe('unsupported')
    expect(cameraErrorMessage(null)).toBe('摄像头扫码失败，请手动输入')
    expect(cameraErrorMessage('boom')).toBe('摄像头扫码失败，请手动输入')
  })
})

describe('canCameraScan', () => {
  const cam = createFakeCamera()
  afterEach(() => cam.uninstall())

  it('is false outside H5 even when the browser APIs exist', () => {
    cam.install()
    process.env.TARO_ENV = 'weapp'
    expect(canCameraScan()).toBe(false)
  })
  it('needs getUserMedia; a missing BarcodeDetector is made up by the ponyfill', () => {
    cam.install()
    expect(canCameraScan()).toBe(true)
    delete (window as unknown as Record<string, unknown>).BarcodeDetector
    expect(canCameraScan()).toBe(true)
    cam.uninstall()
    cam.install()
    Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true })
    expect(canCameraScan()).toBe(false)
  })
})

describe('openCameraScan', () => {
  const cam = createFakeCamera()
  beforeEach(() => cam.install())
  afterEach(() => cam.uninstall())
  const overlay = () => document.querySelector('.camera-scan-overlay')
  const handlers = () => ({ hint: '将券码对准摄像头', onDetected: jest.fn(), onError: jest.fn(), onCancel: jest.fn() })
  const until = async (check: () => void) => {
    for (let i = 0; ; i++) {
      try {
        return check()
      } catch (e) {
        if (i > 100) throw e
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }

  it('opens the rear camera, keeps scanning until a code is read, then stops and reports it', async () => {
    cam.results = [[], [{ rawValue: 'CPN-123' }]]
    const h = handlers()
    openCameraScan(h)
    expect(overlay()).not.toBeNull()
    expect(overlay()?.textContent).toContain('将券码对准摄像头')
    await until(() => expect(h.onDetected).toHaveBeenCalledWith('CPN-123'))
    expect(cam.getUserMedia).toHaveBeenCalledWith({ video: { facingMode: 'environment' }, audio: false })
    expect(cam.constructed).toEqual([{ formats: ['qr_code', 'code_128'] }])
    expect(cam.detect).toHaveBeenCalledTimes(2)
    expect(cam.detect.mock.calls[0][0]).toBeInstanceOf(HTMLVideoElement)
    expect(cam.trackStop).toHaveBeenCalledTimes(1)
    expect(overlay()).toBeNull()
    expect(h.onError).not.toHaveBeenCalled()
  })

  it('without a native BarcodeDetector reads with the ZXing ponyfill, its .wasm from our own origin', async () => {
    delete (window as unknown as Record<string, unknown>).BarcodeDetector
    const h = handlers()
    openCameraScan(h)
    await until(() => expect(h.onDetected).toHaveBeenCalledWith('1942000432361967840'))
    expect(ponyfill.constructed).toEqual([{ formats: ['qr_code', 'code_128'] }])
    const { overrides } = ponyfill.prepared[0] as { overrides: { locateFile: (f: string, p: string) => string } }
    expect(overrides.locateFile('zxing_reader.wasm', 'https://cdn.example/')).toBe('/static/zxing_reader.wasm')
    expect(cam.trackStop).toHaveBeenCalledTimes(1)
    expect(overlay()).toBeNull()
  })

  it('cancel stops the camera and removes the overlay', async () => {
    const h = handlers()
    openCameraScan(h)
    await until(() => expect(cam.detect).toHaveBeenCalled())
    ;(document.querySelector('.camera-scan-cancel') as HTMLButtonElement).click()
    expect(h.onCancel).toHaveBeenCalledTimes(1)
    expect(cam.trackStop).toHaveBeenCalledTimes(1)
    expect(overlay()).toBeNull()
    const calls = cam.detect.mock.calls.length
    await new Promise((r) => setTimeout(r, 400))
    expect(cam.detect.mock.calls.length).toBe(calls)
    expect(h.onDetected).not.toHaveBeenCalled()
  })

  it('stop() during the permission prompt releases the stream as soon as it arrives, silently', async () => {
    let grant: (s: unknown) => void = () => {}
    cam.getUserMedia.mockImplementation(() => new Promise((r) => (grant = r)))
    const h = handlers()
    const stop = openCameraScan(h)
    await until(() => expect(cam.getUserMedia).toHaveBeenCalled())
    stop()
    expect(overlay()).toBeNull()
    grant({ getTracks: () => [{ stop: cam.trackStop }] })
    await until(() => expect(cam.trackStop).toHaveBeenCalledTimes(1))
    expect(cam.detect).not.toHaveBeenCalled()
    expect(h.onCancel).not.toHaveBeenCalled()
    expect(h.onError).not.toHaveBeenCalled()
  })

  it('permission denied reports the zh-CN message and removes the overlay', async () => {
    cam.getUserMedia.mockRejectedValue(mediaError('NotAllowedError'))
    const h = handlers()
    openCameraScan(h)
    await until(() =>
      expect(h.onError).toHaveBeenCalledWith('未获得摄像头权限，请在浏览器设置中允许后重试，或手动输入'),
    )
    expect(overlay()).toBeNull()
  })

  it('a detector without QR / CODE128 is reported as unsupported before asking for the camera', async () => {
    cam.supportedFormats = ['ean_13']
    const h = handlers()
    openCameraScan(h)
    await until(() => expect(h.onError).toHaveBeenCalledWith('当前浏览器不支持摄像头扫码，请手动输入'))
    expect(cam.getUserMedia).not.toHaveBeenCalled()
  })

  it('outside H5 reports unsupported without touching the DOM', () => {
    process.env.TARO_ENV = 'weapp'
    const h = handlers()
    openCameraScan(h)()
    expect(h.onError).toHaveBeenCalledWith('当前浏览器不支持摄像头扫码，请手动输入')
    expect(overlay()).toBeNull()
    expect(cam.getUserMedia).not.toHaveBeenCalled()
  })
})
