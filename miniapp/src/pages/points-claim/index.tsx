import { useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Button, Input, Picker, Text, View } from '@tarojs/components'
import {
  POINTS_CLAIM_REJECT_REASONS_ZH,
  shanghaiDay,
  shanghaiTimeOfDay,
  type DirectoryStore,
  type PointsClaim,
  type PointsClaimAnswer,
} from '@mall/shared'
import { fetchHome } from '../../services/home'
import { fetchMyClaims, fileClaim } from '../../services/points-claims'
import { reportActionError } from '../../services/action-error'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import RemoteState from '../../components/remote-state'
import { claimStatusText, claimTitle, parseYuan } from '../../lib/points-claim-format'
import './index.css'

/**
 * 积分未到账 (积分补登): the member tells us about a purchase whose points never arrived — store, time,
 * amount, and the receipt number or WeChat Pay order number if they have one. The mall first looks for
 * it (already earned, still processing, merchant not linked) and answers at once; otherwise the service
 * desk reviews it, and the list below shows 待审核 / 已补登 +N / 未通过 with the reason.
 */
export default function PointsClaimPage() {
  const home = useRemoteData(fetchHome)
  const claims = useRemoteData(fetchMyClaims)

  useDidShow(() => {
    if (!isLoggedIn()) return goToLogin()
    void home.reload()
    void claims.reload()
  })
  usePullDownRefresh(() => {
    void claims.reload().finally(() => Taro.stopPullDownRefresh())
  })

  return (
    <View className='page points-claim-page'>
      <ClaimForm stores={home.data?.stores ?? []} onFiled={() => void claims.reload()} />
      <View className='surface points-claim-list'>
        <Text className='points-claim-list__title'>我的补登申请</Text>
        {claims.data ? (
          claims.data.length > 0 ? (
            claims.data.map((c) => <ClaimRow key={c.claimId} claim={c} />)
          ) : (
            <Text className='muted points-claim-empty'>还没有补登申请</Text>
          )
        ) : (
          <RemoteState
            remote={claims}
            loadingText='加载中…'
            errorClass='points-claim-error'
            loadingClass='points-claim-loading'
          />
        )}
      </View>
    </View>
  )
}

function ClaimForm({ stores, onFiled }: { stores: DirectoryStore[]; onFiled: () => void }) {
  const today = shanghaiDay(new Date())
  const [storeIndex, setStoreIndex] = useState(-1)
  const [day, setDay] = useState(today)
  const [time, setTime] = useState(() => shanghaiTimeOfDay(new Date()))
  const [yuan, setYuan] = useState('')
  const [reference, setReference] = useState('')
  const [busy, setBusy] = useState(false)
  const [answer, setAnswer] = useState<PointsClaimAnswer | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const store = stores[storeIndex]

  const onSubmit = async () => {
    const amountFen = parseYuan(yuan)
    if (!store) return setProblem('请选择消费的门店')
    if (amountFen === null) return setProblem('请填写消费金额（元，最多两位小数）')
    if (day === today && time > shanghaiTimeOfDay(new Date())) return setProblem('消费时间不能晚于现在')
    const ref = reference.trim()
    if (ref && !/^[0-9A-Za-z_-]{1,40}$/.test(ref)) return setProblem('小票号或支付单号只能包含字母、数字和 -')
    setProblem(null)
    setBusy(true)
    try {
      // A WeChat Pay order number is 28–32 digits; anything else is the store's receipt number.
      const isTransaction = /^\d{28,32}$/.test(ref)
      const result = await fileClaim({
        storeId: store.id,
        purchasedAt: `${day}T${time}:00+08:00`,
        amountFen,
        ...(ref ? (isTransaction ? { transactionId: ref } : { receiptNo: ref }) : {}),
      })
      setAnswer(result)
      if (result.finding === 'filed' || result.finding === 'earned_now') {
        setYuan('')
        setReference('')
      }
      onFiled()
    } catch (e) {
      reportActionError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='surface points-claim-form'>
      <Text className='points-claim-form__title'>消费后积分没有到账？</Text>
      <Text className='muted'>填写消费信息，我们会先自动查找；查不到的由服务台在 3 个工作日内核实补登。</Text>
      <Picker
        mode='selector'
        range={stores.map((s) => `${s.name}（${s.floor}）`)}
        onChange={(e) => setStoreIndex(Number(e.detail.value))}
      >
        <View className='points-claim-field points-claim-store'>
          <Text className='points-claim-field__label'>消费门店</Text>
          <Text className={store ? '' : 'muted'}>{store ? `${store.name}（${store.floor}）` : '请选择门店'}</Text>
        </View>
      </Picker>
      <View className='points-claim-row'>
        <Picker mode='date' value={day} end={today} onChange={(e) => setDay(e.detail.value)}>
          <View className='points-claim-field'>
            <Text className='points-claim-field__label'>消费日期</Text>
            <Text>{day}</Text>
          </View>
        </Picker>
        <Picker mode='time' value={time} onChange={(e) => setTime(e.detail.value)}>
          <View className='points-claim-field'>
            <Text className='points-claim-field__label'>时间</Text>
            <Text>{time}</Text>
          </View>
        </Picker>
      </View>
      <View className='points-claim-field'>
        <Text className='points-claim-field__label'>消费金额（元）</Text>
        <Input
          className='points-claim-amount'
          type='digit'
          value={yuan}
          placeholder='如 128.50'
          onInput={(e) => setYuan(e.detail.value)}
        />
      </View>
      <View className='points-claim-field'>
        <Text className='points-claim-field__label'>小票号或微信支付单号（选填）</Text>
        <Input
          className='points-claim-reference'
          value={reference}
          placeholder='填写后核实更快'
          onInput={(e) => setReference(e.detail.value)}
        />
      </View>
      {problem ? <Text className='error-text points-claim-problem'>{problem}</Text> : null}
      <Button
        className={`btn-primary points-claim-submit ${busy ? 'is-busy' : ''}`}
        disabled={busy || undefined}
        onClick={() => void onSubmit()}
      >
        {busy ? '查询中…' : '提交'}
      </Button>
      {answer ? (
        <View className={`points-claim-answer is-${answer.finding}`} data-finding={answer.finding}>
          <Text>{answer.message}</Text>
          {answer.points !== null ? <Text className='points-claim-answer__points'>+{answer.points} 积分</Text> : null}
        </View>
      ) : null}
    </View>
  )
}

function ClaimRow({ claim }: { claim: PointsClaim }) {
  return (
    <View className='points-claim-item' data-status={claim.status}>
      <View className='points-claim-item__main'>
        <Text className='points-claim-item__title'>{claimTitle(claim)}</Text>
        <Text className={`points-claim-item__status is-${claim.status}`}>{claimStatusText(claim)}</Text>
      </View>
      {claim.status === 'rejected' && claim.rejectReason ? (
        <Text className='muted'>原因：{POINTS_CLAIM_REJECT_REASONS_ZH[claim.rejectReason]}</Text>
      ) : null}
    </View>
  )
}
