import { useCallback, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import type { ButtonProps, BaseEventOrig } from '@tarojs/components'
import { memberCard, type MemberCard } from '@mall/shared'
import { ApiError, api } from '../../services/api'
import { goToLogin, isLoggedIn, logout } from '../../services/session'
import { rememberInviter } from '../../services/inviter'
import { useMemberCode } from '../../hooks/use-member-code'
import MemberCardFace from '../../components/member-card-face'
import MemberCodePanel from '../../components/member-code-panel'
import CardShortcuts from '../../components/card-shortcuts'
import BirthdayRow from '../../components/birthday-row'
import './index.css'

const isWeapp = process.env.TARO_ENV === 'weapp'

/** Landing page: the member card plus the rotating member code. */
export default function CardPage() {
  const [loggedIn, setLoggedIn] = useState(isLoggedIn)
  const [card, setCard] = useState<MemberCard | null>(null)
  const [cardLoading, setCardLoading] = useState(false)
  const [cardError, setCardError] = useState<ApiError | null>(null)
  const [binding, setBinding] = useState(false)
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

  usePullDownRefresh(() => {
    void Promise.all([loadCard(), memberCode.refresh()]).finally(() => Taro.stopPullDownRefresh())
  })

  const onGetPhoneNumber = async (e: BaseEventOrig<ButtonProps.onGetPhoneNumberEventDetail>) => {
    // No code = the member declined the WeChat phone authorisation sheet.
    const code = e.detail.code
    if (!code) {
      void Taro.showToast({ title: '未授权手机号', icon: 'none' })
      return
    }
    setBinding(true)
    try {
      await api.post('/api/me/phone', { code })
      void Taro.showToast({ title: '绑定成功', icon: 'success' })
      await loadCard()
    } catch (err) {
      const message = err instanceof ApiError ? err.message : '绑定失败，请重试'
      void Taro.showToast({ title: message, icon: 'none' })
    } finally {
      setBinding(false)
    }
  }

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

      {card ? (
        <View className='surface phone-row'>
          <Text className='phone-row__label'>手机号</Text>
          {card.phoneMasked ? (
            <Text className='phone-row__value'>{card.phoneMasked}</Text>
          ) : isWeapp ? (
            <Button
              className='btn-quiet phone-row__bind'
              size='mini'
              openType='getPhoneNumber'
              loading={binding}
              disabled={binding}
              onGetPhoneNumber={onGetPhoneNumber}
            >
              绑定手机号
            </Button>
          ) : (
            <Text className='muted'>未绑定（请在微信小程序中绑定）</Text>
          )}
        </View>
      ) : null}

      {card ? <BirthdayRow birthday={card.birthday} onSaved={loadCard} /> : null}

      <MemberCodePanel state={memberCode} />
    </View>
  )
}
