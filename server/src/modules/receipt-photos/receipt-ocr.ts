import { execFile, spawn } from 'node:child_process'
import { parseReceiptText, type ReceiptOcrFields } from '@mall/shared'
import type { Logger } from 'pino'

export interface OcrOptions {
  /** the tesseract executable (Debian: tesseract-ocr, with tesseract-ocr-chi-sim) */
  command: string
  timeoutMs: number
  /** OCR runs at once at most; more uploads meanwhile are not read (the member types the fields) */
  maxConcurrent: number
}

export const DEFAULT_OCR_OPTIONS: OcrOptions = { command: 'tesseract', timeoutMs: 20_000, maxConcurrent: 1 }

export interface OcrResult {
  fields: ReceiptOcrFields
  text: string
  ms: number
}

/**
 * Reads a receipt with tesseract in a child process (PNG on stdin, text on stdout), killed after the
 * timeout. Where tesseract or its Chinese data is not installed, `read` answers null and the member enters
 * the fields by hand; so does a timeout, a crash, or a busy reader.
 */
export class ReceiptOcr {
  /** tests turn OCR off to check the manual path on a machine that has it */
  enabled = true
  private available: Promise<string | null> | null = null
  private running = 0

  constructor(
    private readonly logger: Logger,
    readonly options: OcrOptions = DEFAULT_OCR_OPTIONS,
  ) {}

  /** The languages to read with, or null when tesseract is missing (checked once per process). */
  languages(): Promise<string | null> {
    this.available ??= new Promise((resolve) => {
      execFile(this.options.command, ['--list-langs'], { timeout: 5_000 }, (err, stdout, stderr) => {
        if (err) return resolve(null)
        const langs = `${stdout}\n${stderr}`.split(/\s+/)
        if (!langs.includes('eng') && !langs.includes('chi_sim')) return resolve(null)
        resolve(['chi_sim', 'eng'].filter((l) => langs.includes(l)).join('+'))
      })
    })
    return this.available
  }

  async read(png: Buffer): Promise<OcrResult | null> {
    if (!this.enabled || this.running >= this.options.maxConcurrent) return null
    const langs = await this.languages()
    if (!langs) return null
    this.running++
    const started = Date.now()
    try {
      const text = await this.run(png, langs)
      return { fields: parseReceiptText(text), text, ms: Date.now() - started }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'receipt OCR failed; the member enters the fields')
      return null
    } finally {
      this.running--
    }
  }

  private run(png: Buffer, langs: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, ['stdin', 'stdout', '-l', langs, '--psm', '6'], {
        stdio: ['pipe', 'pipe', 'ignore'],
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      })
      const chunks: Buffer[] = []
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`tesseract took longer than ${this.options.timeoutMs} ms`))
      }, this.options.timeoutMs)
      child.stdout.on('data', (c: Buffer) => chunks.push(c))
      child.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'))
        else reject(new Error(`tesseract exited with ${code}`))
      })
      child.stdin.on('error', () => undefined) // a child that died early closes stdin; 'close' reports it
      child.stdin.end(png)
    })
  }
}
