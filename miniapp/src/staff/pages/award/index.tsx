import { useRef, useState } from 'react'
import { getCurrentInstance, useDidShow } from '@tarojs/taro'
import { View, Text, Input, Button } from '@tarojs/components'
import type { PurchaseResult } from '@mall/shared'
import {
  awardPurchase,
  goToStaffLogin,
  isStaffLoggedIn,
  resolveMemberCode,
  type ResolvedMemberCode,
} from '../../../services/staff'
import { createClaimKeys } from '../../../lib/claim-keys'
import { formatPoints } from '../../../lib/format'
import { formatShanghaiDateTime, formatYuan } from '../../../lib/points-format'
import CodeEntry from '../../components/code-entry'
import { staffError } from '../../lib/use-staff-data'
import { awardHeadline, parseReceiptNo, parseYuanToFen } from '../../lib/staff-format'
import '../../staff.css'
import './index.css'

/**
 * 扫会员码积分: 1) scan / type the member code -> 2) confirm member, receipt no. and amount ->
 * 3) result (posted, or 已提交店长审批). Hooks: member-code-input, member-code-submit,
 * scanned-member, scanned-balance, receipt-input, amount-input, award-error, award-confirm,
 * award-result, award-points, award-again.
 */
export default function AwardPage() {
  // Read the launch query now: after Taro.scanCode returns on a device the page instance's
  // router can be null, so nothing may look it up later.
  const params = useRef(getCurrentInstance().router?.params ?? {})
  const keys = useRef(createClaimKeys())
  const [scanned, setScanned] = useState<ResolvedMemberCode | null>(null)
  const [result, setResult] = useState<PurchaseResult | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  useDidShow(() => {
    if (!isStaffLoggedIn()) goToStaffLogin()
  })

  const resolve = async (code: string) => {
    setBusy(true)
    setError('')
    try {
      setScanned(await resolveMemberCode(code))
    } catch (e) {
      setError(staffError(e).message)
    } finally {
      setBusy(false)
    }
  }

  const restart = () => {
    setScanned(null)
    setResult(null)
    setError('')
  }

  if (result) return <AwardResult result={result} onAgain={restart} />
  if (!scanned) {
    return (
      <View className='page staff-page'>
        <CodeEntry
          what='会员码'
          inputClass='member-code-input'
          submitClass='member-code-submit'
          busy={busy}
          error={error}
          initialCode={params.current.code ? decodeURIComponent(params.current.code) : ''}
          onSubmit={(code) => void resolve(code)}
        />
      </View>
    )
  }

  const confirm = async (receiptNo: string, amountFen: number) => {
    if (busy) return
    // Same payload after an uncertain outcome (timeout, 5xx) -> same key, so the server replays.
    const payloadKey = `${scanned.scanToken}|${receiptNo}|${amountFen}`
    setBusy(true)
    setError('')
    try {
      const res = await awardPurchase(
        { scanToken: scanned.scanToken, receiptNo, amountFen },
        keys.current.keyFor(payloadKey),
      )
      keys.current.settle(payloadKey, null)
      setResult(res)
    } catch (e) {
      const err = staffError(e)
      keys.current.settle(payloadKey, err)
      setError(err.message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <AwardForm
      scanned={scanned}
      busy={busy}
      error={error}
      onConfirm={(r, a) => void confirm(r, a)}
      onCancel={restart}
    />
  )
}

function AwardForm(props: {
  scanned: ResolvedMemberCode
  busy: boolean
  error: string
  onConfirm: (receiptNo: string, amountFen: number) => void
  onCancel: () => void
}) {
  const { member } = props.scanned
  const [receipt, setReceipt] = useState('')
  const [amount, setAmount] = useState('')
  const [localError, setLocalError] = useState('')

  const submit = () => {
    if (props.busy) return
    const r = parseReceiptNo(receipt)
    if (!r.ok) return setLocalError(r.message)
    const a = parseYuanToFen(amount)
    if (!a.ok) return setLocalError(a.message)
    setLocalError('')
    props.onConfirm(r.value, a.value)
  }

  const shown = localError || props.error
  return (
    <View className='page staff-page'>
      <View className='surface staff-section scanned-member'>
        <Text className='scanned-member__name'>{member.nickname}</Text>
        {member.phoneMasked !== undefined && (
          <View className='staff-kv'>
            <Text className='staff-kv__key'>手机号</Text>
            <Text>{member.phoneMasked ?? '未绑定'}</Text>
          </View>
        )}
        <View className='staff-kv'>
          <Text className='staff-kv__key'>会员等级</Text>
          <Text className='staff-tag staff-tag--ok'>{member.tier.name}</Text>
        </View>
        <View className='staff-kv'>
          <Text className='staff-kv__key'>当前积分</Text>
          <Text className='scanned-balance'>{formatPoints(member.pointsBalance)}</Text>
        </View>
      </View>

      <View className='surface staff-section'>
        <Text className='staff-label'>小票号</Text>
        <Input
          className='staff-input receipt-input'
          type='text'
          placeholder='小票上的单号'
          maxlength={40}
          value={receipt}
          onInput={(e) => {
            setReceipt(e.detail.value)
            setLocalError('')
          }}
        />
        <Text className='staff-label'>消费金额（元）</Text>
        <Input
          className='staff-input amount-input'
          type='digit'
          placeholder='如 128.50'
          maxlength={14}
          value={amount}
          onInput={(e) => {
            setAmount(e.detail.value)
            setLocalError('')
          }}
        />
        {shown ? <Text className='staff-error award-error'>{shown}</Text> : null}
        <View className='staff-actions'>
          <Button
            className={`btn-primary award-confirm ${props.busy ? 'is-busy' : ''}`}
            loading={props.busy}
            onClick={submit}
          >
            确认积分
          </Button>
          <Button className='staff-btn-secondary award-cancel' onClick={() => !props.busy && props.onCancel()}>
            重新扫码
          </Button>
        </View>
      </View>
    </View>
  )
}

function AwardResult({ result, onAgain }: { result: PurchaseResult; onAgain: () => void }) {
  const pending = result.status === 'pending_approval'
  return (
    <View className='page staff-page'>
      <View className='surface staff-section state-box award-result'>
        <Text className='award-result__headline'>{awardHeadline(result)}</Text>
        {result.repeat ? (
          <Text className='muted award-repeat'>
            首次处理：{formatShanghaiDateTime(result.repeat.at)} · 店员 {result.repeat.by}
          </Text>
        ) : null}
        {pending ? (
          <Text className='muted'>金额较大，店长审批通过后积分到账</Text>
        ) : result.repeat ? (
          // A repeat pays nothing: no big "+N" that reads like a second award.
          <Text className='award-points'>当时已发放 {formatPoints(result.points)} 积分，本次未发放</Text>
        ) : (
          <Text className='staff-big award-points'>+{formatPoints(result.points)}</Text>
        )}
      </View>
      <View className='surface staff-section'>
        {pending ? (
          <View className='staff-kv'>
            <Text className='staff-kv__key'>预计积分</Text>
            <Text className='award-points'>{formatPoints(result.points)}</Text>
          </View>
        ) : null}
        {result.balanceAfter !== null && !pending && !result.repeat ? (
          <View className='staff-kv'>
            <Text className='staff-kv__key'>最新余额</Text>
            <Text className='award-balance'>{formatPoints(result.balanceAfter)}</Text>
          </View>
        ) : null}
        <View className='staff-kv'>
          <Text className='staff-kv__key'>小票号</Text>
          <Text>{result.receiptNo}</Text>
        </View>
        <View className='staff-kv'>
          <Text className='staff-kv__key'>消费金额</Text>
          <Text>¥{formatYuan(result.amountFen)}</Text>
        </View>
      </View>
      <Button className='btn-primary award-again' onClick={onAgain}>
        继续积分
      </Button>
    </View>
  )
}
