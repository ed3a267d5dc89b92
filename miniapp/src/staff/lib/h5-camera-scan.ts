/**
 * H5 camera scanning: a BarcodeDetector reads frames straight from a live <video> fed by getUserMedia
 * (rear camera). The browser's own detector where there is one (Chromium on Android / macOS /
 * ChromeOS); elsewhere (iOS Safari, Firefox) the `barcode-detector` ponyfill (ZXing-C++ in
 * WebAssembly), loaded only when a clerk opens the camera so it costs the bundle nothing, with its
 * .wasm served by our own origin (/static/zxing_reader.wasm, copied by config/index.ts) instead of
 * the package's CDN default. Offered wherever getUserMedia exists; manual entry stays in every case.
 *
 * The overlay is plain DOM appended to <body> (Taro H5 renders to the DOM), so nothing here goes
 * through Taro components. Every DOM / browser access sits behind `process.env.TARO_ENV === 'h5'`,
 * which the weapp build folds to false and strips.
 */

/** What the member code (QR + CODE128 barcode) and coupon codes are rendered as. */
export const SCAN_FORMATS = ['qr_code', 'code_128'] as const

/** Pause between detection attempts: ~6 fps is plenty for a code held still, and spares the CPU. */
const SCAN_INTERVAL_MS = 150

/** Our formats the detector supports, in our order; empty = the browser can't read our codes. */
export function pickFormats(supported: readonly string[] | null | undefined): string[] {
  const have = new Set(supported ?? [])
  return SCAN_FORMATS.filter((f) => have.has(f))
}

/** The first non-blank rawValue of a detect() result, trimmed; null when nothing was read. */
export function firstDetectedValue(codes: ReadonlyArray<{ rawValue?: unknown }> | null | undefined): string | null {
  for (const c of codes ?? []) {
    const value = typeof c?.rawValue === 'string' ? c.rawValue.trim() : ''
    if (value) return value
  }
  return null
}

export type CameraErrorKind = 'denied' | 'insecure' | 'no-camera' | 'busy' | 'unsupported' | 'failed'

/** Thrown by this module for failures that have no DOMException of their own. */
export class CameraScanError extends Error {
  constructor(readonly kind: CameraErrorKind) {
    super(`camera scan: ${kind}`)
    this.name = 'CameraScanError'
  }
}

/** Classifies getUserMedia / play() / BarcodeDetector failures by their DOMException name. */
export function cameraErrorKind(error: unknown): CameraErrorKind {
  if (error instanceof CameraScanError) return error.kind
  const name = (error as { name?: unknown } | null)?.name
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError': // pre-standard Chrome
      return 'denied'
    case 'SecurityError': // camera needs a secure context (https or localhost)
      return 'insecure'
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'no-camera'
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy'
    case 'NotSupportedError':
    case 'TypeError': // getUserMedia on plain http in some browsers
      return 'unsupported'
    default:
      return 'failed'
  }
}

const MESSAGES: Record<CameraErrorKind, string> = {
  denied: '未获得摄像头权限，请在浏览器设置中允许后重试，或手动输入',
  insecure: '当前页面无法使用摄像头（需 HTTPS），请手动输入',
  'no-camera': '未找到可用的摄像头，请手动输入',
  busy: '摄像头被占用或无法启动，请关闭其他使用摄像头的应用后重试，或手动输入',
  unsupported: '当前浏览器不支持摄像头扫码，请手动输入',
  failed: '摄像头扫码失败，请手动输入',
}

/** The zh-CN message shown under the entry box; manual entry stays available in every case. */
export function cameraErrorMessage(error: unknown): string {
  return MESSAGES[cameraErrorKind(error)]
}

/** Whether to offer the camera button: H5 with getUserMedia (the detector is ours where the browser has none). */
export function canCameraScan(): boolean {
  if (process.env.TARO_ENV !== 'h5') return false
  return (
    typeof window !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function'
  )
}

/** Where the ZXing .wasm is served (config/index.ts copies it there for H5 builds). */
export const ZXING_WASM_PATH = '/static/zxing_reader.wasm'

/** The browser's BarcodeDetector, else the ZXing ponyfill (loaded on first use, in its own chunk). */
async function detectorClass(): Promise<BarcodeDetectorCtor> {
  const native = (window as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector
  if (native) return native
  if (process.env.TARO_ENV === 'h5') {
    const ponyfill = await import(/* webpackChunkName: "barcode-detector" */ 'barcode-detector/ponyfill')
    ponyfill.prepareZXingModule({
      overrides: {
        locateFile: (file: string, prefix: string) => (file.endsWith('.wasm') ? ZXING_WASM_PATH : prefix + file),
      },
    })
    return ponyfill.BarcodeDetector as unknown as BarcodeDetectorCtor
  }
  throw new CameraScanError('unsupported')
}

export interface CameraScanOptions {
  /** Hint under the video, e.g. '将会员码对准摄像头'. */
  hint: string
  /** A value was read; the camera is already stopped and the overlay removed. */
  onDetected: (value: string) => void
  /** Camera or detector failed (zh-CN message); already stopped and removed. */
  onError: (message: string) => void
  /** The clerk tapped 取消; already stopped and removed. */
  onCancel?: () => void
}

/**
 * Opens the full-screen camera overlay and starts scanning. Returns `stop`, which releases the
 * camera and removes the overlay without calling any handler (for unmount). Idempotent.
 */
export function openCameraScan(options: CameraScanOptions): () => void {
  if (process.env.TARO_ENV !== 'h5' || !canCameraScan()) {
    options.onError(cameraErrorMessage(new CameraScanError('unsupported')))
    return () => {}
  }
  return openH5CameraScan(options)
}

// Minimal shapes of the BarcodeDetector API (not in TypeScript's DOM lib).
interface DetectedBarcodeLike {
  rawValue?: unknown
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcodeLike[]>
}
interface BarcodeDetectorCtor {
  new (options: { formats: string[] }): BarcodeDetectorLike
  getSupportedFormats?: () => Promise<string[]>
}

function openH5CameraScan(options: CameraScanOptions): () => void {
  const ui = buildOverlay(options.hint, () => finish(() => options.onCancel?.()))
  let stopped = false
  let stream: MediaStream | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const releaseStream = (s: MediaStream | null) => s?.getTracks().forEach((t) => t.stop())
  const stop = () => {
    if (stopped) return
    stopped = true
    if (timer !== undefined) clearTimeout(timer)
    releaseStream(stream)
    stream = null
    ui.video.pause()
    ui.video.srcObject = null
    ui.root.remove()
  }
  /** Stops, then reports exactly once (a late detect() result can't fire after a cancel). */
  const finish = (report: () => void) => {
    if (stopped) return
    stop()
    report()
  }
  const fail = (error: unknown) => finish(() => options.onError(cameraErrorMessage(error)))

  const start = async () => {
    const Detector = await detectorClass()
    const supported = Detector.getSupportedFormats ? await Detector.getSupportedFormats() : [...SCAN_FORMATS]
    const formats = pickFormats(supported)
    if (!formats.length) throw new CameraScanError('unsupported')
    const detector = new Detector({ formats })
    if (stopped) return
    const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
    if (stopped) {
      releaseStream(s) // cancelled while the permission prompt was up
      return
    }
    stream = s
    ui.video.srcObject = s
    await ui.video.play()

    const tick = async () => {
      timer = undefined
      if (stopped) return
      try {
        // HAVE_CURRENT_DATA: there is a frame to read.
        if (ui.video.readyState >= 2) {
          const value = firstDetectedValue(await detector.detect(ui.video))
          if (value) return finish(() => options.onDetected(value))
        }
      } catch (e) {
        return fail(e)
      }
      if (!stopped) timer = setTimeout(() => void tick(), SCAN_INTERVAL_MS)
    }
    void tick()
  }
  start().catch(fail)
  return stop
}

function buildOverlay(hint: string, onCancel: () => void) {
  const doc = document
  const root = doc.createElement('div')
  root.className = 'camera-scan-overlay'
  root.setAttribute('role', 'dialog')
  root.setAttribute('aria-label', '摄像头扫码')
  Object.assign(root.style, {
    position: 'fixed',
    top: '0',
    right: '0',
    bottom: '0',
    left: '0',
    zIndex: '10000',
    background: '#000',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    gap: '16px',
    padding: '16px',
    boxSizing: 'border-box',
  })

  const video = doc.createElement('video')
  video.className = 'camera-scan-video'
  video.muted = true
  video.autoplay = true
  video.playsInline = true
  video.setAttribute('playsinline', '') // iOS Safari: no fullscreen takeover
  video.setAttribute('muted', '')
  Object.assign(video.style, {
    width: '100%',
    maxWidth: '480px',
    maxHeight: '65vh',
    objectFit: 'cover',
    borderRadius: '12px',
    background: '#111',
  })

  const text = doc.createElement('div')
  text.className = 'camera-scan-hint'
  text.textContent = hint
  Object.assign(text.style, { color: '#fff', fontSize: '16px', textAlign: 'center' })

  const cancel = doc.createElement('button')
  cancel.type = 'button'
  cancel.className = 'camera-scan-cancel'
  cancel.textContent = '取消'
  Object.assign(cancel.style, {
    minWidth: '160px',
    height: '44px',
    borderRadius: '22px',
    border: 'none',
    background: '#fff',
    color: '#1f2329',
    fontSize: '16px',
  })
  cancel.addEventListener('click', onCancel)

  root.append(video, text, cancel)
  doc.body.appendChild(root)
  return { root, video }
}
