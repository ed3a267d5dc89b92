import { useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button, Image, Textarea } from '@tarojs/components'
import {
  FEEDBACK_CATEGORIES,
  FEEDBACK_CATEGORY_LABELS,
  FEEDBACK_STATUS_LABELS,
  FEEDBACK_TEXT_MAX,
  type FeedbackCategory,
  type FeedbackTicket,
} from '@mall/shared'
import { downloadFeedbackPhoto, fetchMyFeedback, followUpFeedback, submitFeedback } from '../../services/feedback'
import { loadNotificationSettings, offerSubscriptions } from '../../services/notifications'
import { reportActionError } from '../../services/action-error'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { createClaimKeys } from '../../lib/claim-keys'
import { feedbackEventLine, feedbackStatusTone } from '../../lib/feedback-format'
import { formatShanghaiDateTime } from '../../lib/points-format'
import { pickPhotoDataUrl } from '../../lib/photo-data-url'
import RemoteState from '../../components/remote-state'
import PrivacyAuthorization from '../../components/privacy-authorization'
import './index.css'

const toast = (title: string) => void Taro.showToast({ title, icon: 'none' })

/**
 * 意见反馈: a form (category, text, optional photo) and my tickets with their status and the mall's
 * replies; a replied ticket takes a follow-up. Test hooks: feedback-category (data-code),
 * feedback-text, feedback-photo-pick, feedback-photo-preview, feedback-submit, feedback-result,
 * feedback-ticket (data-status), feedback-status, feedback-reply, feedback-empty.
 */
export default function FeedbackPage() {
  const tickets = useRemoteData(fetchMyFeedback)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void tickets.reload()
    void loadNotificationSettings()
  })

  usePullDownRefresh(() => {
    void tickets.reload().finally(() => Taro.stopPullDownRefresh())
  })

  return (
    <View className='page feedback-page'>
      <PrivacyAuthorization />
      <FeedbackForm onSubmitted={() => void tickets.reload()} />
      <Text className='feedback-section-title'>我的反馈</Text>
      {!tickets.data ? (
        <RemoteState
          remote={tickets}
          errorClass='feedback-error'
          loadingClass='feedback-loading'
          loadingText='反馈记录加载中…'
        />
      ) : tickets.data.length === 0 ? (
        <View className='surface state-box feedback-empty'>
          <Text className='muted'>还没有反馈记录，有任何意见或建议都欢迎告诉我们</Text>
        </View>
      ) : (
        tickets.data.map((t) => <TicketCard key={t.ticketId} ticket={t} onChanged={() => void tickets.reload()} />)
      )}
    </View>
  )
}

function FeedbackForm({ onSubmitted }: { onSubmitted: () => void }) {
  const [category, setCategory] = useState<FeedbackCategory | null>(null)
  const [text, setText] = useState('')
  const [photo, setPhoto] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const busyRef = useRef(false)
  const [submitted, setSubmitted] = useState<FeedbackTicket | null>(null)
  // One key per draft: a retry after an uncertain outcome replays the first answer (no second ticket).
  const keys = useRef(createClaimKeys()).current

  const onPickPhoto = async () => {
    try {
      const picked = await pickPhotoDataUrl()
      if (picked) setPhoto(picked)
    } catch (e) {
      toast(e instanceof Error ? e.message : '图片读取失败，请重试')
    }
  }

  const onSubmit = async () => {
    if (busyRef.current) return
    const body = text.trim()
    if (!category) return toast('请选择反馈类型')
    if (!body) return toast('请填写反馈内容')
    if (body.length > FEEDBACK_TEXT_MAX) return toast(`反馈内容最多 ${FEEDBACK_TEXT_MAX} 字`)
    const draft = `${category}|${body}|${photo ?? ''}`
    // weapp: offer the reply notice first, inside the tap (WeChat's rule for the dialog).
    void offerSubscriptions(['feedback_replied'], { onlyWhenNone: true })
    busyRef.current = true
    setBusy(true)
    try {
      const ticket = await submitFeedback({ category, text: body, ...(photo ? { photo } : {}) }, keys.keyFor(draft))
      keys.settle(draft, null)
      setSubmitted(ticket)
      setCategory(null)
      setText('')
      setPhoto(null)
      void Taro.showToast({ title: '提交成功', icon: 'success' })
      onSubmitted()
    } catch (e) {
      keys.settle(draft, e as { status: number; code: string })
      reportActionError(e)
    } finally {
      busyRef.current = false
      setBusy(false)
    }
  }

  return (
    <View className='surface feedback-form'>
      <Text className='feedback-form__title'>您的意见对我们很重要</Text>
      <Text className='muted'>反馈类型</Text>
      <View className='feedback-categories'>
        {FEEDBACK_CATEGORIES.map((c) => (
          <Text
            key={c}
            className={`feedback-category ${category === c ? 'is-active' : ''}`}
            data-code={c}
            onClick={() => setCategory(c)}
          >
            {FEEDBACK_CATEGORY_LABELS[c]}
          </Text>
        ))}
      </View>
      <Textarea
        className='feedback-text'
        value={text}
        maxlength={FEEDBACK_TEXT_MAX}
        placeholder='请描述您遇到的问题或建议，如时间、地点、门店…'
        onInput={(e) => setText(e.detail.value)}
      />
      <Text className='muted feedback-count'>
        {text.length}/{FEEDBACK_TEXT_MAX}
      </Text>
      <View className='feedback-photo-row'>
        {photo ? (
          <>
            <Image className='feedback-photo-preview' src={photo} mode='aspectFill' />
            <Text className='feedback-photo-remove' onClick={() => setPhoto(null)}>
              移除图片
            </Text>
          </>
        ) : (
          <Button className='btn-quiet feedback-photo-pick' size='mini' onClick={() => void onPickPhoto()}>
            添加图片（选填，最大300KB）
          </Button>
        )}
      </View>
      <Button className={`btn-primary feedback-submit ${busy ? 'is-busy' : ''}`} onClick={() => void onSubmit()}>
        {busy ? '提交中…' : '提交反馈'}
      </Button>
      {submitted ? (
        <Text className='feedback-result' data-ticket={submitted.ticketId}>
          已收到您的反馈（编号 {submitted.ticketId}），我们会尽快处理并在这里回复您
        </Text>
      ) : null}
    </View>
  )
}

function TicketCard({ ticket: t, onChanged }: { ticket: FeedbackTicket; onChanged: () => void }) {
  const [photoSrc, setPhotoSrc] = useState<string | null>(null)
  const [followUp, setFollowUp] = useState<string | null>(null) // null = box closed
  const [busy, setBusy] = useState(false)
  const lines = t.history.map((e) => ({ e, line: feedbackEventLine(e) })).filter((x) => x.line)

  const onShowPhoto = async () => {
    try {
      setPhotoSrc(await downloadFeedbackPhoto(t.ticketId))
    } catch (e) {
      reportActionError(e)
    }
  }

  const onSendFollowUp = async () => {
    const body = (followUp ?? '').trim()
    if (!body) return toast('请填写补充内容')
    if (busy) return
    setBusy(true)
    try {
      await followUpFeedback(t.ticketId, body)
      setFollowUp(null)
      toast('已发送，我们会继续跟进')
      onChanged()
    } catch (e) {
      reportActionError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='surface feedback-ticket' data-status={t.status} data-ticket={t.ticketId}>
      <View className='feedback-ticket__head'>
        <Text className='feedback-ticket__category'>{FEEDBACK_CATEGORY_LABELS[t.category]}</Text>
        <Text className={`feedback-status feedback-status--${feedbackStatusTone(t.status)}`}>
          {FEEDBACK_STATUS_LABELS[t.status]}
        </Text>
      </View>
      <Text className='muted'>
        {formatShanghaiDateTime(t.createdAt)} · 编号 {t.ticketId}
      </Text>
      <Text className='feedback-ticket__text'>{t.text}</Text>
      {t.hasPhoto ? (
        photoSrc ? (
          <Image className='feedback-photo' src={photoSrc} mode='aspectFit' />
        ) : (
          <Text className='feedback-photo-view' onClick={() => void onShowPhoto()}>
            查看图片 ›
          </Text>
        )
      ) : null}
      {lines.map(({ e, line }, i) => (
        <View
          key={`${e.at}-${i}`}
          className={
            `feedback-event feedback-event--${e.action} ` +
            (e.action === 'reply' || e.action === 'close' ? 'feedback-reply' : '')
          }
        >
          <Text className='feedback-event__who'>{line!.who}</Text>
          <Text className='feedback-event__text'>{line!.text}</Text>
          <Text className='muted feedback-event__at'>{formatShanghaiDateTime(e.at)}</Text>
        </View>
      ))}
      {t.status === 'replied' ? (
        followUp === null ? (
          <Text className='feedback-followup-open' onClick={() => setFollowUp('')}>
            对回复不满意或还有问题？继续反馈 ›
          </Text>
        ) : (
          <View className='feedback-followup'>
            <Textarea
              className='feedback-followup__text'
              value={followUp}
              maxlength={FEEDBACK_TEXT_MAX}
              placeholder='请补充说明'
              onInput={(e) => setFollowUp(e.detail.value)}
            />
            <Button
              className={`btn-quiet feedback-followup__send ${busy ? 'is-busy' : ''}`}
              size='mini'
              onClick={() => void onSendFollowUp()}
            >
              {busy ? '发送中…' : '发送'}
            </Button>
          </View>
        )
      ) : null}
    </View>
  )
}
