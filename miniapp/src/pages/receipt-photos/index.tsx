import { useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Button, Image, Input, Picker, Text, View } from '@tarojs/components'
import { shanghaiDay, shanghaiTimeOfDay, type ReceiptPhotoSubmission, type ReceiptStoreOption } from '@mall/shared'
import {
  fetchMyReceiptPhotos,
  fetchReceiptStores,
  submitReceiptPhoto,
  uploadReceiptPhoto,
} from '../../services/receipt-photos'
import { reportActionError } from '../../services/action-error'
import { ApiError } from '../../services/api'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { createClaimKeys } from '../../lib/claim-keys'
import { parseYuan } from '../../lib/points-claim-format'
import { pickReceiptPhoto } from '../../lib/receipt-photo-pick'
import { alreadyEarnedText, receiptStatusText, receiptTitle, shanghaiParts } from '../../lib/receipt-photo-format'
import RemoteState from '../../components/remote-state'
import PrivacyAuthorization from '../../components/privacy-authorization'
import './index.css'

/**
 * 小票积分: the member photographs a receipt (camera or album), picks the store, and enters the amount, receipt
 * number, 微信支付单号 (optional) and purchase time — prefilled when the mall's OCR could read them — then the
 * service desk reviews it. Below, my receipts: 待审核 / 已通过 +N 积分 / 未通过（原因）. Test hooks: receipt-photo-pick,
 * receipt-photo-preview, receipt-store, receipt-amount, receipt-no, receipt-txn, receipt-submit, receipt-problem,
 * receipt-result, receipt-item (data-status), receipt-empty.
 */
export default function ReceiptPhotosPage() {
  const stores = useRemoteData(fetchReceiptStores)
  const mine = useRemoteData(fetchMyReceiptPhotos)

  useDidShow(() => {
    if (!isLoggedIn()) return goToLogin()
    void stores.reload()
    void mine.reload()
  })
  usePullDownRefresh(() => {
    void mine.reload().finally(() => Taro.stopPullDownRefresh())
  })

  return (
    <View className='page receipt-page'>
      <PrivacyAuthorization />
      <ReceiptForm stores={stores.data ?? []} onSubmitted={() => void mine.reload()} />
      <View className='surface receipt-list'>
        <Text className='receipt-list__title'>我的小票</Text>
        {mine.data ? (
          mine.data.length > 0 ? (
            mine.data.map((s) => <ReceiptRow key={s.submissionId} submission={s} />)
          ) : (
            <Text className='muted receipt-empty'>还没有上传过小票</Text>
          )
        ) : (
          <RemoteState remote={mine} loadingText='加载中…' errorClass='receipt-error' loadingClass='receipt-loading' />
        )}
      </View>
    </View>
  )
}

function ReceiptForm({ stores, onSubmitted }: { stores: ReceiptStoreOption[]; onSubmitted: () => void }) {
  const today = shanghaiDay(new Date())
  const [photo, setPhoto] = useState<string | null>(null)
  const [photoId, setPhotoId] = useState<string | null>(null)
  const [reading, setReading] = useState(false)
  const [prefilled, setPrefilled] = useState(false)
  const [storeIndex, setStoreIndex] = useState(-1)
  const [day, setDay] = useState(today)
  const [time, setTime] = useState(() => shanghaiTimeOfDay(new Date()))
  const [yuan, setYuan] = useState('')
  const [receiptNo, setReceiptNo] = useState('')
  const [txn, setTxn] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [result, setResult] = useState<ReceiptPhotoSubmission | null>(null)
  const keys = useRef(createClaimKeys()).current
  const store = stores[storeIndex]

  const onPick = async () => {
    let picked: string | null
    try {
      picked = await pickReceiptPhoto()
    } catch (e) {
      return setProblem(e instanceof Error ? e.message : '照片读取失败，请重试')
    }
    if (!picked) return
    setPhoto(picked)
    setPhotoId(null)
    setPrefilled(false)
    setProblem(null)
    setReading(true)
    try {
      const up = await uploadReceiptPhoto(picked)
      setPhotoId(up.photoId)
      if (up.ocr) {
        // Only what OCR read: the member checks and corrects every field before submitting.
        if (up.ocr.amountFen !== null) setYuan((up.ocr.amountFen / 100).toFixed(2))
        if (up.ocr.receiptNo !== null) setReceiptNo(up.ocr.receiptNo)
        if (up.ocr.transactionId) setTxn(up.ocr.transactionId)
        if (up.ocr.purchasedAt !== null) {
          const [d, t] = shanghaiParts(up.ocr.purchasedAt)
          setDay(d)
          setTime(t)
        }
        setPrefilled(true)
      }
    } catch (e) {
      setPhoto(null)
      reportActionError(e)
    } finally {
      setReading(false)
    }
  }

  const onSubmit = async () => {
    const amountFen = parseYuan(yuan)
    const no = receiptNo.trim()
    if (busy) return
    if (!photoId) return setProblem(reading ? '照片上传中，请稍候' : '请先拍摄或选择小票照片')
    if (!store) return setProblem('请选择消费的门店')
    if (amountFen === null) return setProblem('请填写消费金额（元，最多两位小数）')
    if (!/^[0-9A-Za-z_-]{1,40}$/.test(no)) return setProblem('请填写小票号（字母、数字或 -）')
    if (day === today && time > shanghaiTimeOfDay(new Date())) return setProblem('消费时间不能晚于现在')
    const transactionId = txn.replace(/\s+/g, '')
    if (transactionId && !/^\d{10,32}$/.test(transactionId))
      return setProblem('微信支付单号为小票上的一串数字，没有可不填')
    setProblem(null)
    const body = {
      photoId,
      storeId: store.id,
      amountFen,
      receiptNo: no,
      purchasedAt: `${day}T${time}:00+08:00`,
      // the key a 商圈 payment of this purchase earned under: the receipt is then refused, not paid twice
      ...(transactionId ? { transactionId } : {}),
    }
    const draft = JSON.stringify(body)
    setBusy(true)
    try {
      const submitted = await submitReceiptPhoto(body, keys.keyFor(draft))
      keys.settle(draft, null)
      setResult(submitted)
      setPhoto(null)
      setPhotoId(null)
      setYuan('')
      setReceiptNo('')
      setTxn('')
      setPrefilled(false)
      onSubmitted()
    } catch (e) {
      keys.settle(draft, e as { status: number; code: string })
      // Earned already through another channel: say which and when, where the member is looking.
      const earned = e instanceof ApiError ? alreadyEarnedText(e) : null
      if (earned) setProblem(earned)
      else reportActionError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='surface receipt-form'>
      <Text className='receipt-form__title'>拍小票，领积分</Text>
      <Text className='muted'>请在消费次日 23:59 前上传完整、清晰的小票照片，服务台审核通过后积分到账。</Text>
      <View className='receipt-photo-row'>
        {photo ? (
          <Image className='receipt-photo-preview' src={photo} mode='aspectFit' />
        ) : (
          <View className='receipt-photo-empty'>
            <Text className='muted'>小票照片</Text>
          </View>
        )}
        <Button className='btn-quiet receipt-photo-pick' size='mini' onClick={() => void onPick()}>
          {photo ? '重新拍摄' : '拍照 / 从相册选择'}
        </Button>
      </View>
      {reading ? <Text className='muted receipt-reading'>正在识别小票…</Text> : null}
      {prefilled ? <Text className='receipt-prefilled'>已根据照片自动填写，请核对</Text> : null}
      <Picker
        mode='selector'
        range={stores.map((s) => `${s.name}（${s.floor}）`)}
        onChange={(e) => setStoreIndex(Number(e.detail.value))}
      >
        <View className='receipt-field receipt-store'>
          <Text className='receipt-field__label'>消费门店</Text>
          <Text className={store ? '' : 'muted'}>{store ? `${store.name}（${store.floor}）` : '请选择门店'}</Text>
        </View>
      </Picker>
      <View className='receipt-field'>
        <Text className='receipt-field__label'>消费金额（元）</Text>
        <Input
          className='receipt-amount'
          type='digit'
          value={yuan}
          placeholder='如 56.50'
          onInput={(e) => setYuan(e.detail.value)}
        />
      </View>
      <View className='receipt-field'>
        <Text className='receipt-field__label'>小票号</Text>
        <Input
          className='receipt-no'
          value={receiptNo}
          placeholder='小票上的单号'
          onInput={(e) => setReceiptNo(e.detail.value)}
        />
      </View>
      <View className='receipt-field'>
        <Text className='receipt-field__label'>微信支付单号（选填）</Text>
        <Input
          className='receipt-txn'
          value={txn}
          placeholder='微信支付时小票上的交易单号'
          onInput={(e) => setTxn(e.detail.value)}
        />
      </View>
      <View className='receipt-row'>
        <Picker mode='date' value={day} end={today} onChange={(e) => setDay(e.detail.value)}>
          <View className='receipt-field'>
            <Text className='receipt-field__label'>消费日期</Text>
            <Text>{day}</Text>
          </View>
        </Picker>
        <Picker mode='time' value={time} onChange={(e) => setTime(e.detail.value)}>
          <View className='receipt-field'>
            <Text className='receipt-field__label'>时间</Text>
            <Text>{time}</Text>
          </View>
        </Picker>
      </View>
      {problem ? <Text className='error-text receipt-problem'>{problem}</Text> : null}
      <Button className={`btn-primary receipt-submit ${busy ? 'is-busy' : ''}`} onClick={() => void onSubmit()}>
        {busy ? '提交中…' : '提交审核'}
      </Button>
      {result ? (
        <View className={`receipt-result is-${result.status}`} data-status={result.status}>
          <Text>{result.status === 'approved' ? '小票已自动审核通过' : '已提交，服务台审核后积分到账'}</Text>
          <Text className='receipt-result__status'>{receiptStatusText(result)}</Text>
        </View>
      ) : null}
    </View>
  )
}

function ReceiptRow({ submission: s }: { submission: ReceiptPhotoSubmission }) {
  return (
    <View className='receipt-item' data-status={s.status}>
      <View className='receipt-item__main'>
        <Text className='receipt-item__title'>{receiptTitle(s)}</Text>
        <Text className={`receipt-item__status is-${s.status}`}>{receiptStatusText(s)}</Text>
      </View>
      <Text className='muted'>小票号 {s.receiptNo}</Text>
    </View>
  )
}
