import Taro from '@tarojs/taro'
import {
  receiptPhotoSubmission,
  receiptPhotoUploadResponse,
  receiptQueuePage,
  receiptReviewDetail,
  receiptStoreOption,
  type ReceiptPhotoSubmission,
  type ReceiptPhotoSubmitRequest,
  type ReceiptPhotoUploadResponse,
  type ReceiptQueuePage,
  type ReceiptRejectReason,
  type ReceiptReviewDetail,
  type ReceiptStoreOption,
} from '@mall/shared'
import { ApiError, api, itemsOf, refreshSession, request } from './api'
import { readTokens, type SessionSlot } from './token-store'

/** 小票积分 endpoints (docs/receipt-photos.md), validated against the @mall/shared contracts. */

export const RECEIPT_PHOTOS_PAGE = '/pages/receipt-photos/index'
/** upload and OCR: a 5 MB photo on a slow network, then up to 20 s of reading */
const UPLOAD_TIMEOUT_MS = 60_000
const submissionList = itemsOf(receiptPhotoSubmission)
const storeList = itemsOf(receiptStoreOption)

export function uploadReceiptPhoto(photo: string): Promise<ReceiptPhotoUploadResponse> {
  return request('/api/me/receipt-photos/uploads', {
    method: 'POST',
    data: { photo },
    schema: receiptPhotoUploadResponse,
    timeout: UPLOAD_TIMEOUT_MS,
  })
}

/** `idempotencyKey` makes a retried tap replay the first answer instead of submitting twice. */
export function submitReceiptPhoto(
  body: ReceiptPhotoSubmitRequest,
  idempotencyKey: string,
): Promise<ReceiptPhotoSubmission> {
  return request('/api/me/receipt-photos', {
    method: 'POST',
    data: body,
    schema: receiptPhotoSubmission,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}

export async function fetchMyReceiptPhotos(): Promise<ReceiptPhotoSubmission[]> {
  return (await api.get('/api/me/receipt-photos', submissionList)).items
}

/** The desk's queue (staff session). */
export function fetchReceiptQueue(status: 'pending' | 'approved' | 'rejected' = 'pending'): Promise<ReceiptQueuePage> {
  return request(`/api/staff/receipt-photos?status=${status}`, { schema: receiptQueuePage, session: 'staff' })
}

export function fetchReceiptDetail(id: string): Promise<ReceiptReviewDetail> {
  return request(`/api/staff/receipt-photos/${encodeURIComponent(id)}`, {
    schema: receiptReviewDetail,
    session: 'staff',
  })
}

export function decideReceipt(
  id: string,
  decision:
    { action: 'approve'; amountFen?: number; note?: string } | { action: 'reject'; reason: ReceiptRejectReason },
): Promise<ReceiptPhotoSubmission> {
  const { action, ...body } = decision
  return request(`/api/staff/receipt-photos/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    data: body,
    schema: receiptPhotoSubmission,
    session: 'staff',
  })
}

/**
 * A receipt's photo as a local file an <Image> can show: the member's own (`me`) or the desk's (`staff`).
 * downloadFile because the answer is image bytes; it carries the bearer token, refreshed once on 401.
 */
export async function downloadReceiptPhoto(id: string, who: 'me' | 'staff'): Promise<string> {
  const slot: SessionSlot = who === 'me' ? 'member' : 'staff'
  const url = `${API_BASE}/api/${who}/receipt-photos/${encodeURIComponent(id)}/photo`
  for (let attempt = 0; ; attempt++) {
    const tokens = readTokens(slot)
    let res: { statusCode: number; tempFilePath: string }
    try {
      res = await Taro.downloadFile({ url, header: tokens ? { Authorization: `Bearer ${tokens.accessToken}` } : {} })
    } catch {
      throw new ApiError('CLIENT.NETWORK', 0)
    }
    if (res.statusCode === 200) return res.tempFilePath
    if (res.statusCode === 401 && attempt === 0 && (await refreshSession(slot)) === 'ok') continue
    throw new ApiError(
      res.statusCode === 401 ? 'AUTH.TOKEN_EXPIRED' : res.statusCode === 404 ? 'RECEIPT_PHOTO.NOT_FOUND' : 'INTERNAL',
      res.statusCode,
    )
  }
}

/** The stores a receipt can be from, for the picker. */
export async function fetchReceiptStores(): Promise<ReceiptStoreOption[]> {
  return (await api.get('/api/me/receipt-photos/stores', storeList)).items
}
