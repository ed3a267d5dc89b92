import type { MemberLoginResponse } from '@mall/shared'
import { bearer } from '../support/api-harness'
import { balanceOf } from '../support/points-helpers'
import { dataUrl, receiptImage, submitReceipt, uploadReceipt } from '../support/receipt-photo-helpers'
import { payment, startPayWorld, wechatMember, type PayWorld } from '../support/wechat-pay-helpers'

jest.setTimeout(180_000)

let w: PayWorld
let member: MemberLoginResponse
let hasOcr = false

beforeAll(async () => {
  w = await startPayWorld()
  w.api.clock.set('2026-12-05T08:00:00.000Z') // 16:00 Shanghai
  await w.api.addStore('OC1', '星巴克')
  hasOcr = (await w.api.ctx.services.receiptOcr.languages()) !== null
})
afterAll(() => w.api.stop())
beforeEach(async () => {
  member = await w.api.loginMember('rp-ocr')
  w.operator = (await w.api.loginStaff('wxpay-operator', 'operator', null)).accessToken
})

const RECEIPT = {
  store: '星巴克 STARBUCKS 国金店',
  receiptNo: 'R20261205001',
  time: '2026-12-05 14:32:10',
  total: '56.50',
}

describe('OCR prefill (Debian tesseract-ocr + chi_sim, where installed)', () => {
  it('reads amount, receipt number and time from a rendered receipt; without OCR the fields are typed', async () => {
    const image = await receiptImage(RECEIPT, { seed: 4 })
    const started = Date.now()
    const up = await uploadReceipt(w.api, member.accessToken, dataUrl(image))
    const ms = Date.now() - started
    expect(up.status).toBe(201)
    if (hasOcr) {
      expect(up.body.ocr).toEqual({
        amountFen: 56_50,
        receiptNo: 'R20261205001',
        purchasedAt: '2026-12-05T06:32:10.000Z',
        transactionId: null,
      })
      // one core, one image: measured about 1.2 s on this machine (docs/receipt-photos.md)
      expect(ms).toBeLessThan(20_000)
    } else {
      expect(up.body.ocr).toBeNull()
    }
    w.api.ctx.services.receiptOcr.enabled = false
    try {
      const manual = await uploadReceipt(w.api, member.accessToken, dataUrl(await receiptImage(RECEIPT, { seed: 13 })))
      expect(manual.body.ocr).toBeNull()
      const res = await submitReceipt(w.api, member.accessToken, {
        photoId: manual.body.photoId,
        storeId: 'OC1',
        receiptNo: 'MANUAL1',
        amountFen: 56_50,
        purchasedAt: '2026-12-05T14:32:10+08:00',
      })
      expect(res.body).toMatchObject({ status: 'pending', ocr: null })
    } finally {
      w.api.ctx.services.receiptOcr.enabled = true
    }
  })

  it('auto-approves by the operator rule: OCR amount equals the entered one, under ¥500, no flag', async () => {
    const rules = (await w.api.http.get('/api/ops/receipt-photos/rules').set(bearer(w.operator))).body
    const { version, ...current } = rules
    const put = await w.api.http
      .put('/api/ops/receipt-photos/rules')
      .set(bearer(w.operator))
      .send({
        ...current,
        perStorePerDay: 10,
        autoApprove: { enabled: true, maxAmountFen: 500_00, requireOcrAmountMatch: true },
        version,
        note: '低风险小票自动通过',
      })
    expect(put.status).toBe(200)
    const before = await balanceOf(w.api, member)
    const submit = async (receiptNo: string, total: string, amountFen: number, seed: number) => {
      const image = await receiptImage({ ...RECEIPT, receiptNo, total }, { seed })
      const up = await uploadReceipt(w.api, member.accessToken, dataUrl(image))
      return submitReceipt(w.api, member.accessToken, {
        photoId: up.body.photoId,
        storeId: 'OC1',
        receiptNo,
        amountFen,
        purchasedAt: '2026-12-05T14:32:10+08:00',
      })
    }
    const matching = await submit('AUTO1', '88.00', 88_00, 40)
    if (!hasOcr) {
      expect(matching.body.status).toBe('pending') // no OCR amount: a person decides
      return
    }
    expect(matching.body).toMatchObject({ status: 'approved', autoApproved: true, points: 88 })
    expect(await balanceOf(w.api, member)).toBe(before + 88)
    const typedMore = await submit('AUTO2', '88.00', 98_00, 49)
    expect(typedMore.body).toMatchObject({ status: 'pending', autoApproved: false })
    const detail = await w.api.http.get(`/api/staff/receipt-photos/OC1:AUTO2`).set(bearer(w.operator))
    expect(detail.body.submission.flags.map((f: { kind: string }) => f.kind)).toContain('ocr_amount_mismatch')
    const large = await submit('AUTO3', '688.00', 688_00, 58)
    expect(large.body).toMatchObject({ status: 'pending', autoApproved: false })
  })
})

describe('a 商圈 payment, then a photo of its receipt', () => {
  it('is refused with the channel (wechat_pay) and when', async () => {
    const payer = await wechatMember(w, 'o-receipt-photo')
    const txn = '4200000000202612050000000001'
    expect((await w.pay.deliver(w.paymentUrl, payment(w, txn, 'o-receipt-photo', 128_00))).status).toBe(204)
    // The till's receipt prints the 微信支付单号; OCR reads it for the member's form.
    const image = await receiptImage(
      {
        store: '微信门店',
        receiptNo: 'WXRECEIPT1',
        time: '2026-12-05 15:00:00',
        total: '128.00',
        items: [
          ['拿铁 大杯', '128.00'],
          ['微信支付单号:', ''],
          [txn, ''],
        ],
      },
      { seed: 31 },
    )
    const up = await uploadReceipt(w.api, payer.accessToken, dataUrl(image))
    if (hasOcr) expect(up.body.ocr).toMatchObject({ transactionId: txn, receiptNo: 'WXRECEIPT1' })
    const res = await submitReceipt(w.api, payer.accessToken, {
      photoId: up.body.photoId,
      storeId: 'WX1',
      receiptNo: 'WXRECEIPT1',
      amountFen: 128_00,
      purchasedAt: '2026-12-05T15:00:00+08:00',
      transactionId: up.body.ocr?.transactionId ?? txn,
    })
    expect([res.status, res.body.error?.code]).toEqual([409, 'PURCHASE.ALREADY_EARNED'])
    expect(res.body.error.details).toMatchObject({ channel: 'wechat_pay', purchaseId: `wx:${txn}` })
    // the refusal held nothing: no submission, no slot
    const mine = await w.api.http.get('/api/me/receipt-photos').set(bearer(payer.accessToken))
    expect(mine.body.items).toEqual([])
  })
})
