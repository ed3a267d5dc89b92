import { useRef, useState } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { View, Text, Image, Button } from '@tarojs/components'
import { FULFILMENT_TEXT, GIFT_KIND_TEXT, type AddressView, type Fulfilment } from '@mall/shared'
import { ApiError } from '../../services/api'
import {
  MALL_PAGE,
  fetchAddresses,
  fetchGift,
  imageSrc,
  redemptionUrl,
  redeemGift,
  type GiftDetail,
} from '../../services/mall'
import { goToLogin, isLoggedIn, logout } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { createClaimKeys } from '../../lib/claim-keys'
import {
  balanceChangeText,
  blockerText,
  cashPriceText,
  limitText,
  pointsText,
  stockText,
  windowText,
} from '../../lib/mall-format'
import { formatPoints } from '../../lib/format'
import RemoteState from '../../components/remote-state'
import AddressPicker from '../../components/address-picker'
import './index.css'

/**
 * 礼品详情 (?giftId=123456): pictures, price, stock, window and limit, how it is received (自提 or
 * 快递 with an address from the member's book), and 立即兑换: a confirmation with the balance before
 * → after, then the redemption (Idempotency-Key per tap, kept across an uncertain outcome) and its
 * page. Test hooks: gift-name, gift-price, gift-fulfilment, gift-redeem-button, gift-outcome.
 */
export default function GiftPage() {
  const giftId = useRouter().params.giftId ?? ''
  const gift = useRemoteData(() => fetchGift(giftId))
  const addresses = useRemoteData(fetchAddresses)
  const [fulfilment, setFulfilment] = useState<Fulfilment | null>(null)
  const [addressId, setAddressId] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState('')
  const keys = useRef(createClaimKeys()).current
  const inFlight = useRef(false)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    if (giftId) void gift.reload()
    void addresses.reload()
  })

  const g = gift.data
  if (!giftId) {
    return (
      <View className='page gift-page'>
        <View className='surface state-box gift-gone'>
          <Text className='muted'>未指定礼品，请从积分商城进入</Text>
          <Button className='btn-quiet' size='mini' onClick={() => void Taro.reLaunch({ url: MALL_PAGE })}>
            去积分商城
          </Button>
        </View>
      </View>
    )
  }
  if (!g) {
    return (
      <View className='page gift-page'>
        <RemoteState remote={gift} errorClass='gift-error' loadingClass='gift-loading' loadingText='礼品加载中…' />
      </View>
    )
  }
  const how = fulfilment ?? g.fulfilment[0]!
  const chosenAddress = addressId ?? addresses.data?.[0]?.addressId ?? null

  const redeem = async () => {
    if (inFlight.current || g.blocker) return
    if (how === 'delivery' && !chosenAddress) {
      setOutcome('请先添加收货地址')
      return
    }
    inFlight.current = true
    setBusy(true)
    try {
      if (!(await confirmRedeem(g))) return
      const body = how === 'delivery' ? { fulfilment: how, addressId: chosenAddress! } : { fulfilment: how }
      const r = await redeemGift(g.giftId, body, keys.keyFor(g.giftId))
      keys.settle(g.giftId, null)
      void Taro.showToast({ title: '兑换成功', icon: 'success' })
      void Taro.redirectTo({ url: redemptionUrl(r.redemptionId) })
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
      keys.settle(g.giftId, err)
      setOutcome(err.message)
      if (err.isAuthLost) {
        logout()
        goToLogin()
        return
      }
      void gift.reload()
    } finally {
      inFlight.current = false
      setBusy(false)
    }
  }

  const off = blockerText(g.blocker)
  return (
    <View className='page gift-page'>
      <GiftHero gift={g} />
      {g.fulfilment.length > 1 ? (
        <View className='surface gift-section'>
          <Text className='gift-section__title'>领取方式</Text>
          <View className='gift-options'>
            {g.fulfilment.map((f) => (
              <Text
                key={f}
                className={`gift-option gift-fulfilment ${f === how ? 'gift-option--on' : ''}`}
                onClick={() => setFulfilment(f)}
              >
                {FULFILMENT_TEXT[f]}
              </Text>
            ))}
          </View>
        </View>
      ) : (
        <View className='surface gift-section'>
          <Text className='gift-section__title'>领取方式</Text>
          <Text className='gift-fulfilment'>{FULFILMENT_TEXT[how]}</Text>
        </View>
      )}
      {how === 'pickup' ? (
        <Text className='muted gift-hint'>兑换后凭提货码到服务台领取，{g.pickupDays} 天内有效</Text>
      ) : (
        <AddressPicker
          addresses={addresses.data ?? []}
          chosen={chosenAddress}
          onChoose={setAddressId}
          onAdded={(a: AddressView) => {
            setAddressId(a.addressId)
            void addresses.reload()
          }}
        />
      )}
      <Text className='gift-outcome'>{outcome}</Text>
      <View className='gift-bar'>
        <Text className='gift-bar__balance'>我的积分 {formatPoints(g.balance)}</Text>
        <Button
          className={`btn-primary gift-redeem-button ${off ? 'is-disabled' : ''} ${busy ? 'is-busy' : ''}`}
          data-blocker={g.blocker ?? ''}
          onClick={() => void redeem()}
        >
          {busy ? '兑换中…' : off || '立即兑换'}
        </Button>
      </View>
    </View>
  )
}

function GiftHero({ gift }: { gift: GiftDetail }) {
  const now = new Date()
  const window = windowText(gift, now)
  const cash = cashPriceText(gift)
  const stock = stockText(gift.stockLeft)
  return (
    <View className='surface gift-hero'>
      {gift.images[0] ? (
        <Image className='gift-hero__image' src={imageSrc(gift.images[0].url)} mode='aspectFill' />
      ) : null}
      <Text className='gift-hero__kind'>{GIFT_KIND_TEXT[gift.kind]}</Text>
      <Text className='gift-hero__name gift-name'>{gift.name}</Text>
      <Text className='gift-hero__price gift-price'>{pointsText(gift.pricePoints)}</Text>
      {cash ? <Text className='muted'>{cash}</Text> : null}
      {window ? <Text className='gift-hero__window'>{window}</Text> : null}
      <Text className='muted'>{[stock, limitText(gift)].filter(Boolean).join(' · ')}</Text>
      {gift.description ? <Text className='gift-hero__description'>{gift.description}</Text> : null}
    </View>
  )
}

/** Spending points is a purchase: ask first, with the balance before and after (short lines for the dialog). */
async function confirmRedeem(g: GiftDetail): Promise<boolean> {
  const { confirm } = await Taro.showModal({
    title: `用 ${formatPoints(g.pricePoints)} 积分兑换？`,
    content: balanceChangeText(g.balance, g.pricePoints),
    confirmText: '兑换',
    cancelText: '再想想',
  })
  return confirm
}
