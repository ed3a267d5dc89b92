import type { ReactNode } from 'react'
import { View, Text } from '@tarojs/components'
import { COUPON_TYPE_NAMES, type CouponType } from '@mall/shared'
import './index.css'

export interface CouponTicketProps {
  headline: string
  name: string
  type: CouponType
  /** small grey lines under the name (validity, stock, stores…) */
  lines?: ReactNode
  /** the ticket's action row under the details: price and claim button, a badge… */
  aside?: ReactNode
  /** greyed out: used / expired / not claimable */
  dimmed?: boolean
  className?: string
  onClick?: () => void
}

/**
 * The coupon as a ticket: big headline stub on the left, name and details on the right.
 * Shared by the coupon centre and my coupons so both read the same at a glance.
 */
export default function CouponTicket({
  headline,
  name,
  type,
  lines,
  aside,
  dimmed,
  className = '',
  onClick,
}: CouponTicketProps) {
  return (
    <View className={`coupon-ticket ${dimmed ? 'coupon-ticket--dimmed' : ''} ${className}`} onClick={onClick}>
      <View className='coupon-ticket__stub'>
        <Text className={`coupon-ticket__headline ${headlineSize(headline)}`}>{headline}</Text>
        <Text className='coupon-ticket__type'>{COUPON_TYPE_NAMES[type] ?? ''}</Text>
      </View>
      <View className='coupon-ticket__body'>
        <Text className='coupon-ticket__name'>{name}</Text>
        <View className='coupon-ticket__lines'>{lines}</View>
        {/* Below the details, not beside them: at 320 px a side column left the title three words a line. */}
        {aside ? <View className='coupon-ticket__aside'>{aside}</View> : null}
      </View>
    </View>
  )
}

/** Smaller type for longer headlines, so "满1000减200" stays on one line in the stub at 320 px. */
export function headlineSize(headline: string): string {
  const length = [...headline].length
  if (length <= 5) return ''
  return length <= 7 ? 'coupon-ticket__headline--m' : 'coupon-ticket__headline--s'
}
