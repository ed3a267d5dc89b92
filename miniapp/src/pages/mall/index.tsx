import { useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Image } from '@tarojs/components'
import { GIFT_KIND_TEXT, type MallGift } from '@mall/shared'
import { MY_REDEMPTIONS_PAGE, fetchCatalogue, giftUrl, imageSrc } from '../../services/mall'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { formatPoints } from '../../lib/format'
import { ALL_CATEGORIES, blockerText, pointsText, stockText, visibleGifts, windowText } from '../../lib/mall-format'
import RemoteState from '../../components/remote-state'
import './index.css'

/**
 * 积分商城 tab: the member's balance, categories and a 我能兑换 filter (balance, tier, stock, limit
 * and window all counted by the server's `blocker`), the gifts as cards. A tap opens the gift.
 * Test hooks: mall-balance, mall-category, mall-redeemable-filter, gift-card, mall-to-redemptions.
 */
export default function MallPage() {
  const catalogue = useRemoteData(fetchCatalogue)
  const [category, setCategory] = useState(ALL_CATEGORIES)
  const [redeemableOnly, setRedeemableOnly] = useState(false)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void catalogue.reload()
  })
  usePullDownRefresh(() => {
    void catalogue.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const data = catalogue.data
  if (!data) {
    return (
      <View className='page mall-page'>
        <RemoteState remote={catalogue} errorClass='mall-error' loadingClass='mall-loading' loadingText='礼品加载中…' />
      </View>
    )
  }
  const gifts = visibleGifts(data.items, category, redeemableOnly)
  const now = new Date()
  return (
    <View className='page mall-page'>
      <View className='surface mall-head'>
        <View className='mall-head__balance'>
          <Text className='muted'>我的积分</Text>
          <Text className='mall-balance'>{formatPoints(data.balance)}</Text>
        </View>
        <Text
          className='mall-head__link mall-to-redemptions'
          onClick={() => void Taro.navigateTo({ url: MY_REDEMPTIONS_PAGE })}
        >
          我的兑换 ›
        </Text>
      </View>
      <View className='mall-filters'>
        {[ALL_CATEGORIES, ...data.categories].map((c) => (
          <Text
            key={c}
            className={`mall-chip mall-category ${c === category ? 'mall-chip--on' : ''}`}
            onClick={() => setCategory(c)}
          >
            {c}
          </Text>
        ))}
        <Text
          className={`mall-chip mall-chip--toggle mall-redeemable-filter ${redeemableOnly ? 'mall-chip--on' : ''}`}
          onClick={() => setRedeemableOnly(!redeemableOnly)}
        >
          {redeemableOnly ? '✓ 我能兑换' : '我能兑换'}
        </Text>
      </View>
      {gifts.length === 0 ? (
        <View className='surface state-box mall-empty'>
          <Text className='muted'>{redeemableOnly ? '暂时没有可兑换的礼品，多攒些积分吧' : '暂无礼品'}</Text>
        </View>
      ) : (
        <View className='mall-grid'>
          {gifts.map((g) => (
            <GiftCard key={g.giftId} gift={g} now={now} />
          ))}
        </View>
      )}
    </View>
  )
}

function GiftCard({ gift, now }: { gift: MallGift; now: Date }) {
  const thumb = gift.images[0]?.thumbUrl
  const note = blockerText(gift.blocker) || stockText(gift.stockLeft)
  const window = windowText(gift, now)
  return (
    <View
      className={`surface gift-card ${gift.blocker ? 'gift-card--off' : ''}`}
      data-gift-id={gift.giftId}
      onClick={() => void Taro.navigateTo({ url: giftUrl(gift.giftId) })}
    >
      {thumb ? (
        <Image className='gift-card__image' src={imageSrc(thumb)} mode='aspectFill' lazyLoad />
      ) : (
        <View className='gift-card__image gift-card__image--none'>
          <Text>{GIFT_KIND_TEXT[gift.kind]}</Text>
        </View>
      )}
      <Text className='gift-card__name'>{gift.name}</Text>
      <Text className='gift-card__price'>{pointsText(gift.pricePoints)}</Text>
      {window ? <Text className='gift-card__window'>{window}</Text> : null}
      {note ? <Text className='gift-card__note'>{note}</Text> : null}
    </View>
  )
}
