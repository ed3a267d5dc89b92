import {
  DEFAULT_RECEIPT_PHOTO_RULES,
  autoApproves,
  differenceHash,
  hammingDistance,
  ocrFlags,
  parseReceiptText,
  percentile,
  photoFormat,
  receiptDeadline,
} from '../src'

describe('receipt photo rules', () => {
  it('the deadline is 23:59:59 Shanghai time, deadlineDays after the purchase day', () => {
    // bought 23:30 on 12-05 Shanghai (15:30Z): by the end of 12-06 Shanghai = 12-06T16:00Z
    expect(receiptDeadline(new Date('2026-12-05T15:30:00Z'), 1).toISOString()).toBe('2026-12-06T16:00:00.000Z')
    // bought 00:10 on 12-06 Shanghai (12-05T16:10Z) counts as 12-06
    expect(receiptDeadline(new Date('2026-12-05T16:10:00Z'), 0).toISOString()).toBe('2026-12-06T16:00:00.000Z')
  })

  it('tells formats by their first bytes', () => {
    expect(photoFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg')
    expect(photoFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png')
    expect(photoFormat(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp')
    expect(photoFormat(new TextEncoder().encode('GIF89a'))).toBeNull()
    expect(photoFormat(new TextEncoder().encode('<svg xmlns='))).toBeNull()
    expect(photoFormat(new Uint8Array([]))).toBeNull()
  })

  it('difference hash: left brighter than right is 1; distances count differing bits', () => {
    const falling = new Uint8Array(17 * 16).map((_, i) => 255 - (i % 17) * 10)
    const rising = new Uint8Array(17 * 16).map((_, i) => (i % 17) * 10)
    expect(differenceHash(falling)).toBe('f'.repeat(64))
    expect(differenceHash(rising)).toBe('0'.repeat(64))
    expect(hammingDistance(differenceHash(falling), differenceHash(rising))).toBe(256)
    expect(hammingDistance('0f', '0e')).toBe(1)
    expect(() => differenceHash(new Uint8Array(72))).toThrow()
  })

  it('reads amount, receipt number and time from OCR text (spaces between Chinese characters, ¥ misread)', () => {
    const text = [
      '星 巴 克 STARBUCKS 国 金 店',
      '小 票 号 No: R20261205001',
      '日期: 2026-12-05 14:32:10',
      '拿 铁 大 杯      38.00',
      '合 计 TOTAL: Y56.50',
    ].join('\n')
    expect(parseReceiptText(text)).toEqual({
      amountFen: 56_50,
      receiptNo: 'R20261205001',
      purchasedAt: '2026-12-05T06:32:10.000Z',
      transactionId: null,
    })
    // 实付 wins over 合计; a date without a time is midnight Shanghai
    expect(parseReceiptText('合计 120.00\n实付 99.90\n2026年12月5日').amountFen).toBe(99_90)
    expect(parseReceiptText('2026年12月5日').purchasedAt).toBe('2026-12-04T16:00:00.000Z')
    expect(parseReceiptText('nothing useful here')).toEqual({
      amountFen: null,
      receiptNo: null,
      purchasedAt: null,
      transactionId: null,
    })
    expect(parseReceiptText('日期 2026-13-40 25:61').purchasedAt).toBeNull()
  })

  it('reads the 微信支付单号 (28 digits from 42, spaced or not), and never takes it for the receipt number', () => {
    const text = [
      '微 信 支 付 单 号 : 4200 0012 3420 2612 0512 3456 7890',
      '小 票 号 No: R20261205002',
      '合 计 TOTAL: 128.00',
    ].join('\n')
    expect(parseReceiptText(text)).toMatchObject({
      transactionId: '4200001234202612051234567890',
      receiptNo: 'R20261205002',
    })
    // 27 or 29 digits, or not from 42: not a WeChat Pay transaction
    expect(parseReceiptText('交易单号 420000123420261205123456789').transactionId).toBeNull()
    expect(parseReceiptText('交易单号 42000012342026120512345678901').transactionId).toBeNull()
    expect(parseReceiptText('交易单号 5200001234202612051234567890').transactionId).toBeNull()
  })

  it('auto-approves only when the rule is on, under the limit, unflagged and OCR agrees', () => {
    const on = {
      ...DEFAULT_RECEIPT_PHOTO_RULES,
      autoApprove: { enabled: true, maxAmountFen: 500_00, requireOcrAmountMatch: true },
    }
    const ocr = { amountFen: 88_00, receiptNo: 'A1', purchasedAt: null }
    expect(autoApproves(on, { amountFen: 88_00, ocr, flags: [] })).toBe(true)
    expect(autoApproves(DEFAULT_RECEIPT_PHOTO_RULES, { amountFen: 88_00, ocr, flags: [] })).toBe(false)
    expect(autoApproves(on, { amountFen: 600_00, ocr: { ...ocr, amountFen: 600_00 }, flags: [] })).toBe(false)
    expect(autoApproves(on, { amountFen: 98_00, ocr, flags: [] })).toBe(false)
    expect(autoApproves(on, { amountFen: 88_00, ocr: null, flags: [] })).toBe(false)
    const flags = ocrFlags(ocr, { amountFen: 98_00, receiptNo: 'a1' })
    expect(flags.map((f) => f.kind)).toEqual(['ocr_amount_mismatch'])
    expect(autoApproves(on, { amountFen: 88_00, ocr, flags })).toBe(false)
  })

  it('p90 by nearest rank', () => {
    expect(percentile([], 90)).toBeNull()
    expect(percentile([5], 90)).toBe(5)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9)
    expect(percentile([10, 1, 2], 50)).toBe(2)
  })
})
