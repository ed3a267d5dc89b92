import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import type { ReceiptPhotoSubmission } from '@mall/shared'
import { formatShanghaiDateTime, formatYuan } from '../../lib/points-format'
import { receiptStatusText } from '../../lib/receipt-photo-format'
import { RECEIPT_PHOTOS_PAGE } from '../../services/receipt-photos'
import './index.css'

/** A rejected receipt stays in the history this long after its decision: long enough to be seen. */
const REJECTED_SHOWN_MS = 30 * 24 * 3600_000

/**
 * The receipt photos that have no points entry (yet) in the wallet's history: 待审核 ones and, for 30 days,
 * 未通过（原因） ones. An approved receipt is an entry of its own (小票拍照 +N), so it is not repeated here.
 */
export function receiptsWithoutEntry(items: ReceiptPhotoSubmission[], now: number): ReceiptPhotoSubmission[] {
  return items.filter(
    (s) =>
      s.status === 'pending' ||
      (s.status === 'rejected' && s.decidedAt !== null && now - Date.parse(s.decidedAt) < REJECTED_SHOWN_MS),
  )
}

/**
 * Rows at the top of 积分明细 for receipts still under review or refused, shaped like points entries; a tap
 * opens 小票积分. Test hook: wallet-receipt (data-status).
 */
export default function WalletReceiptRows({ receipts }: { receipts: ReceiptPhotoSubmission[] }) {
  if (receipts.length === 0) return null
  return (
    <View className='wallet-receipts'>
      {receipts.map((s) => (
        <View
          key={s.submissionId}
          className='wallet-receipt'
          data-status={s.status}
          onClick={() => void Taro.navigateTo({ url: RECEIPT_PHOTOS_PAGE })}
        >
          <View className='wallet-receipt__main'>
            <Text className='wallet-receipt__title'>小票积分</Text>
            <Text className='wallet-receipt__line'>{`小票拍照 · ${s.storeName} · 小票 ${s.receiptNo}`}</Text>
            <Text className='wallet-receipt__line'>消费金额 ¥{formatYuan(s.amountFen)}</Text>
            <Text className='wallet-receipt__line'>提交于 {formatShanghaiDateTime(s.submittedAt)}</Text>
          </View>
          <Text className={`wallet-receipt__status is-${s.status}`}>{receiptStatusText(s)}</Text>
        </View>
      ))}
    </View>
  )
}
