/**
 * A fake browser camera for jsdom: window.BarcodeDetector, navigator.mediaDevices.getUserMedia
 * and the <video> playback bits jsdom doesn't implement. `install()` in beforeEach, `uninstall()`
 * in afterEach; `results` is what successive detect() calls resolve to (then []).
 */
export interface FakeCamera {
  getUserMedia: jest.Mock
  detect: jest.Mock
  trackStop: jest.Mock
  constructed: Array<{ formats: string[] }>
  supportedFormats: string[]
  results: Array<Array<{ rawValue: string }>>
  install(): void
  uninstall(): void
}

export function createFakeCamera(): FakeCamera {
  const restore: Array<() => void> = []
  const previousEnv = process.env.TARO_ENV
  const cam: FakeCamera = {
    getUserMedia: jest.fn(),
    detect: jest.fn(),
    trackStop: jest.fn(),
    constructed: [],
    supportedFormats: ['qr_code', 'code_128', 'ean_13'],
    results: [],
    install() {
      cam.constructed = []
      cam.results = []
      cam.supportedFormats = ['qr_code', 'code_128', 'ean_13']
      cam.trackStop.mockReset()
      cam.detect.mockReset().mockImplementation(async () => cam.results.shift() ?? [])
      cam.getUserMedia.mockReset().mockImplementation(async () => ({ getTracks: () => [{ stop: cam.trackStop }] }))
      process.env.TARO_ENV = 'h5'
      class FakeDetector {
        static getSupportedFormats = async () => cam.supportedFormats
        constructor(options: { formats: string[] }) {
          cam.constructed.push(options)
        }
        detect = cam.detect
      }
      ;(window as unknown as Record<string, unknown>).BarcodeDetector = FakeDetector
      Object.defineProperty(navigator, 'mediaDevices', {
        value: { getUserMedia: cam.getUserMedia },
        configurable: true,
      })
      const play = jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined)
      const pause = jest.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => {})
      const ready = jest.spyOn(HTMLMediaElement.prototype, 'readyState', 'get').mockReturnValue(4)
      restore.push(() => {
        play.mockRestore()
        pause.mockRestore()
        ready.mockRestore()
      })
    },
    uninstall() {
      restore.splice(0).forEach((fn) => fn())
      delete (window as unknown as Record<string, unknown>).BarcodeDetector
      delete (navigator as unknown as Record<string, unknown>).mediaDevices
      if (previousEnv === undefined) Reflect.deleteProperty(process.env, 'TARO_ENV')
      else process.env.TARO_ENV = previousEnv
      document.querySelectorAll('.camera-scan-overlay').forEach((el) => el.remove())
    },
  }
  return cam
}

/** A DOMException-like error as getUserMedia rejects with. */
export function mediaError(name: string): Error {
  const e = new Error(name)
  e.name = name
  return e
}
