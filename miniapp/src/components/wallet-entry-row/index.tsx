import { View, Text } from '@tarojs/components'
import type { WalletEntry } from '@mall/shared'
import { formatPoints } from '../../lib/format'
import { deltaTone, formatDelta, formatShanghaiDateTime, formatYuan } from '../../lib/points-format'
import './index.css'

/**
 * One points-history row. `wallet-entry` is an e2e hook (one per row); the delta keeps its own
 * `wallet-entry__delta` element holding only the signed number.
 */
export default function WalletEntryRow({ entry }: { entry: WalletEntry }) {
  // A WeChat Pay purchase has no receipt: its number is WeChat's order number, not shown as 小票.
  const receipt = entry.receiptNo && entry.channel !== '微信支付' ? `小票 ${entry.receiptNo}` : null
  const origin = [entry.channel, entry.storeName, receipt].filter(Boolean).join(' · ')
  return (
    <View className='wallet-entry' data-seq={entry.seq}>
      <View className='wallet-entry__main'>
        <Text className='wallet-entry__title'>{entry.title}</Text>
        {origin ? <Text className='wallet-entry__origin'>{origin}</Text> : null}
        {entry.explanation ? (
          // How the points came about: amount, tier and store multipliers, campaign bonus, caps.
          <Text className='wallet-entry__amount wallet-entry__explanation'>{entry.explanation}</Text>
        ) : entry.amountFen !== null ? (
          <Text className='wallet-entry__amount'>消费金额 ¥{formatYuan(entry.amountFen)}</Text>
        ) : null}
        <Text className='wallet-entry__time'>{formatShanghaiDateTime(entry.createdAt)}</Text>
      </View>
      <View className='wallet-entry__side'>
        <Text className={`wallet-entry__delta wallet-entry__delta--${deltaTone(entry.delta)}`}>
          {formatDelta(entry.delta)}
        </Text>
        <Text className='wallet-entry__after'>余额 {formatPoints(entry.balanceAfter)}</Text>
      </View>
    </View>
  )
}
