import { useCallback, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import { memberCard, type MemberCard } from '@mall/shared'
import { ApiError, api } from '../../services/api'
import { goToLogin, isLoggedIn, logout } from '../../services/session'
import { rememberInviter } from '../../services/inviter'
import { useMemberCode } from '../../hooks/use-member-code'
import { useBrightScreen } from '../../hooks/use-bright-screen'
import MemberCardFace from '../../components/member-card-face'
import MemberCodePanel from '../../components/member-code-panel'
import CardShortcuts from '../../components/card-shortcuts'
import BirthdayRow from '../../components/birthday-row'
import PhoneRow from '../../components/phone-row'
import './index.css'

/** 会员码 tab: the rotating member code on top, then the member card, its shortcuts and profile rows. */
export default function CardPage() {
  const [loggedIn, setLoggedIn] = useState(isLoggedIn)
  const [card, setCard] = useState<MemberCard | null>(null)
  const [cardLoading, setCardLoading] = useState(false)
  const [cardError, setCardError] = useState<ApiError | null>(null)
  const cardInFlight = useRef(false)

  const handleAuthLost = useCallback(() => {
    logout()
    setLoggedIn(false)
    goToLogin()
  }, [])

  const loadCard = useCallback(async () => {
    if (cardInFlight.current) return
    cardInFlight.current = true
    setCardLoading(true)
    try {
      setCard(await api.get('/api/me/card', memberCard))
      setCardError(null)
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('CLIENT.NETWORK', 0)
      setCardError(err)
      if (err.isAuthLost) handleAuthLost()
    } finally {
      cardInFlight.current = false
      setCardLoading(false)
    }
  }, [handleAuthLost])

  useDidShow(() => {
    // A shared card link can open this page directly with ?inviter=...
    rememberInviter(Taro.getCurrentInstance().router?.params)
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    setLoggedIn(true)
    void loadCard()
  })

  const memberCode = useMemberCode(loggedIn, handleAuthLost)
  useBrightScreen(memberCode.code !== null)

  usePullDownRefresh(() => {
    void Promise.all([loadCard(), memberCode.refresh()]).finally(() => Taro.stopPullDownRefresh())
  })

  if (!loggedIn) {
    return (
      <View className='page'>
        <View className='state-box'>
          <Text className='muted'>正在前往登录…</Text>
        </View>
      </View>
    )
  }

  return (
    <View className='page card-page'>
      {/* The code first: the member opens this tab at the till, and it must show without scrolling. */}
      <MemberCodePanel state={memberCode} className='card-page__code' />

      {card ? (
        <>
          <MemberCardFace card={card} />
          <CardShortcuts card={card} />
        </>
      ) : cardError ? (
        <View className='surface state-box card-error'>
          <Text className='error-text'>{cardError.message}</Text>
          <Button className='btn-quiet' size='mini' onClick={() => void loadCard()}>
            重试
          </Button>
        </View>
      ) : (
        <View className='card-skeleton state-box'>
          <Text className='muted'>{cardLoading ? '会员卡加载中…' : '暂无会员卡信息'}</Text>
        </View>
      )}

      {card ? <PhoneRow phoneMasked={card.phoneMasked} onBound={loadCard} /> : null}

      {card ? <BirthdayRow birthday={card.birthday} onSaved={loadCard} /> : null}
    </View>
  )
}
