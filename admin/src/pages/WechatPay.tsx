import { useState, type FormEvent } from 'react'
import type {
  PendingPointsSyncsPage,
  PointsSyncRetry,
  QueuedPaymentRetry,
  UnmappedPaymentsPage,
  WechatMerchantsPage,
} from '@mall/shared'
import { api } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { fenToYuan, formatInstant } from '../format'
import { storeLabel, useStores } from '../use-stores'
import { Panel, useAction, useAsync } from '../ui'
import { StaffName } from '../staff-names'

/**
 * 微信支付商圈: which WeChat merchant earns at which store, the payments waiting for an operator (no
 * store or no member found, with the reason in words and a retry) and the points syncs WeChat has not
 * accepted yet (attempts, last error, send now).
 */
const UNMAPPED_REASONS: Record<string, string> = {
  unknown_merchant: '商户未关联门店',
  unknown_member: '付款人尚未登录会员',
}

/** WeChat's and our own codes for a failed sync, as an operator reads them. */
export function syncErrorText(code: string | null): string {
  if (!code) return '—'
  const known: Record<string, string> = {
    SYSTEM_ERROR: '微信支付系统繁忙',
    SIGN_ERROR: '签名校验失败（检查商户证书）',
    PARAM_ERROR: '参数错误',
    UNREACHABLE: '无法连接微信支付',
    RESPONSE_NOT_SIGNED: '应答未通过签名校验',
    RESOURCE_NOT_EXISTS: '微信支付找不到该交易',
    FREQUENCY_LIMITED: '调用太频繁，稍后自动重试',
  }
  if (known[code]) return known[code]!
  const http = /^HTTP_(\d{3})$/.exec(code)
  return http ? `微信支付返回 HTTP ${http[1]}` : `其他错误（${code}）`
}

export function WechatPayPage() {
  // A mapping earns the waiting payments of its merchant (and owes their syncs): both lists are read again.
  const [mappings, setMappings] = useState(0)
  return (
    <div className='page'>
      <MerchantsPanel onMapped={() => setMappings((n) => n + 1)} />
      <UnmappedPanel mappings={mappings} />
      <SyncsPanel mappings={mappings} />
    </div>
  )
}

/** The select's value for a merchant outside the programme (sent as storeId null). */
const OUTSIDE = '__outside__'

function MerchantsPanel({ onMapped }: { onMapped: () => void }) {
  const stores = useStores()
  const [state, reload] = useAsync(() => api<WechatMerchantsPage>('GET', '/api/ops/wechat-pay/merchants'), [])
  const { busy, message, setMessage, act } = useAction(reload)
  const [mchid, setMchid] = useState('')
  const [storeId, setStoreId] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!/^[0-9A-Za-z_-]{1,32}$/.test(mchid.trim()))
      return setMessage({ ok: false, text: '请填写商户号（数字或字母，最多 32 位）' })
    if (!storeId) return setMessage({ ok: false, text: '请选择门店' })
    const outside = storeId === OUTSIDE
    void act(
      outside
        ? `已设置：商户 ${mchid.trim()} 不参与积分，其微信支付将告知微信「该商户不参与商场积分」`
        : `已关联：商户 ${mchid.trim()} → ${storeLabel(stores, storeId)}，该商户待处理的支付已重新积分`,
      () =>
        api('PUT', `/api/ops/wechat-pay/merchants/${encodeURIComponent(mchid.trim())}`, {
          storeId: outside ? null : storeId,
        }),
      onMapped,
    )
  }
  return (
    <Panel title='商户关联' testId='wxpay-merchants'>
      <p className='definition'>
        {'微信支付商户号（子商户号）对应的门店：在该商户的微信支付按此门店的规则积分。' +
          '不参与积分的商户（如银行网点）的支付不积分，并告知微信原因。'}
      </p>
      <form className='toolbar' onSubmit={submit}>
        <label className='field-inline'>
          <span>商户号</span>
          <input
            data-testid='wxpay-mchid'
            value={mchid}
            onChange={(e) => setMchid(e.target.value)}
            placeholder='如 1900000101'
          />
        </label>
        <label className='field-inline'>
          <span>门店</span>
          <select data-testid='wxpay-store' value={storeId} onChange={(e) => setStoreId(e.target.value)}>
            <option value=''>请选择门店</option>
            <option value={OUTSIDE}>不参与积分（如银行网点）</option>
            {stores
              .filter((s) => s.active)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        </label>
        <button className='btn btn-primary' type='submit' disabled={busy} data-testid='wxpay-map'>
          保存关联
        </button>
        {message && (
          <span className={message.ok ? 'notice success' : 'form-error inline'} role='status'>
            {message.text}
          </span>
        )}
      </form>
      <DataTable
        testId='wxpay-merchant-table'
        rows={state.data?.items}
        loading={state.status === 'loading'}
        error={state.status === 'error' ? state.error : undefined}
        onRetry={reload}
        rowKey={(r) => r.mchid}
        emptyText='还没有关联任何商户'
        columns={[
          { key: 'mchid', title: '商户号', className: 'mono' },
          {
            key: 'store',
            title: '门店',
            render: (r) => (r.storeId === null ? '不参与积分' : storeLabel(stores, r.storeId)),
          },
          { key: 'updatedBy', title: '设置人', render: (v) => <StaffName id={v.updatedBy} /> },
          { key: 'updatedAt', title: '设置时间', className: 'nowrap', render: (r) => formatInstant(r.updatedAt) },
        ]}
        actions={(r) => (
          <button
            className='btn btn-small'
            type='button'
            onClick={() => {
              setMchid(r.mchid)
              setStoreId(r.storeId ?? OUTSIDE)
            }}
          >
            修改
          </button>
        )}
      />
    </Panel>
  )
}

type UnmappedPayment = UnmappedPaymentsPage['items'][number]
type PendingSync = PendingPointsSyncsPage['items'][number]

function UnmappedPanel({ mappings }: { mappings: number }) {
  return (
    <TransactionQueuePanel<UnmappedPayment, QueuedPaymentRetry>
      title='待处理的商圈支付'
      testId='wxpay-unmapped'
      definition='找不到门店或会员的微信支付先放在这里，不会丢失：关联商户后自动积分；付款人登录会员后点「重试」。'
      tableTestId='wxpay-unmapped-table'
      path='/api/ops/wechat-pay/unmapped'
      mappings={mappings}
      emptyText='没有待处理的支付'
      columns={[
        { key: 'reason', title: '原因', render: (r) => UNMAPPED_REASONS[r.reason] ?? '其他' },
        { key: 'merchant', title: '商户', render: (r) => `${r.merchantName ?? '未知商户'}（${r.mchid}）` },
        { key: 'shop', title: '门店名称（微信）', render: (r) => r.shopName ?? '—' },
        { key: 'amount', title: '金额（元）', numeric: true, render: (r) => fenToYuan(r.amountFen) },
        { key: 'paidAt', title: '支付时间', className: 'nowrap', render: (r) => formatInstant(r.paidAt) },
        { key: 'txn', title: '微信支付单号', className: 'mono', render: (r) => r.transactionId },
      ]}
      retryText='重试'
      doneText='已重试'
      outcome={(res, txn) =>
        res.outcome === 'earned'
          ? { ok: true, text: `交易 ${txn} 已积分` }
          : { ok: false, text: `交易 ${txn} 仍待处理：${UNMAPPED_REASONS[res.reason ?? ''] ?? '原因未知'}` }
      }
    />
  )
}

const SYNC_OUTCOMES: Record<Exclude<PointsSyncRetry['outcome'], 'failed'>, string> = {
  accepted: '微信支付已接收积分同步',
  done: '该同步此前已完成',
  busy: '该同步正在发送中，请稍后刷新',
}

function SyncsPanel({ mappings }: { mappings: number }) {
  return (
    <TransactionQueuePanel<PendingSync, PointsSyncRetry>
      title='未完成的积分同步'
      testId='wxpay-syncs'
      definition='商圈支付积分后需告知微信支付（商圈会员积分同步）；失败的会按间隔自动重试，直到微信支付接收。'
      tableTestId='wxpay-sync-table'
      path='/api/ops/wechat-pay/syncs'
      mappings={mappings}
      emptyText='所有积分同步均已完成'
      columns={[
        { key: 'txn', title: '微信支付单号', className: 'mono', render: (r) => r.transactionId },
        { key: 'attempts', title: '已尝试次数', numeric: true, render: (r) => r.attempts },
        { key: 'lastError', title: '最近一次错误', render: (r) => syncErrorText(r.lastError) },
        { key: 'nextAt', title: '下次自动重试', className: 'nowrap', render: (r) => formatInstant(r.nextAt) },
        { key: 'createdAt', title: '积分时间', className: 'nowrap', render: (r) => formatInstant(r.createdAt) },
      ]}
      retryText='立即重试'
      doneText='已发送'
      outcome={(res, txn) => ({
        ok: res.outcome !== 'failed',
        text:
          `交易 ${txn}：` +
          (res.outcome === 'failed'
            ? `微信支付仍未接收：${syncErrorText(res.lastError)}，将按间隔自动重试`
            : SYNC_OUTCOMES[res.outcome]),
      })}
    />
  )
}

/**
 * A queue of WeChat Pay transactions an operator retries one at a time (`<path>/<transactionId>/retry`); the
 * message says what became of the retried one. Read again when a merchant mapping changes.
 */
function TransactionQueuePanel<Row extends { transactionId: string }, Retry>(props: {
  title: string
  testId: string
  definition: string
  tableTestId: string
  path: string
  mappings: number
  emptyText: string
  columns: Column<Row>[]
  retryText: string
  doneText: string
  outcome: (retry: Retry, transactionId: string) => { ok: boolean; text: string }
}) {
  const { path, outcome } = props
  const [state, reload] = useAsync(() => api<{ items: Row[] }>('GET', path), [props.mappings])
  const { busy, message, setMessage, act } = useAction(reload)
  const retry = (txn: string) =>
    act(
      props.doneText,
      () => api<Retry>('POST', `${path}/${txn}/retry`, {}),
      (r) => setMessage(outcome(r as Retry, txn)),
    )
  return (
    <Panel title={props.title} testId={props.testId}>
      <p className='definition'>{props.definition}</p>
      {message && (
        <div className={message.ok ? 'notice success' : 'form-error'} role='status'>
          {message.text}
        </div>
      )}
      <DataTable
        testId={props.tableTestId}
        rows={state.data?.items}
        loading={state.status === 'loading'}
        error={state.status === 'error' ? state.error : undefined}
        onRetry={reload}
        rowKey={(r) => r.transactionId}
        emptyText={props.emptyText}
        columns={props.columns}
        actions={(r) => (
          <button className='btn btn-small' type='button' disabled={busy} onClick={() => void retry(r.transactionId)}>
            {props.retryText}
          </button>
        )}
      />
    </Panel>
  )
}
