import { useState, type FormEvent } from 'react'
import {
  LOTTERY_PRIZE_KIND_LABELS,
  LOTTERY_PRIZE_KINDS,
  MAX_LOTTERY_PRIZES,
  type CouponTemplate,
  type GiftConfigView,
  type LotteryPrizeKind,
} from '@mall/shared'
import { thanks, type LotteryFormValues, type PrizeRow } from './lottery-form-values'

/**
 * The lottery's settings (new lottery) or only its prizes and their start (new version), with a
 * prize table: kind, points or coupon, stock (blank = 不限), probability in % (four decimals).
 */
export function LotteryForm(props: {
  mode: 'create' | 'version'
  initial: LotteryFormValues
  templates: CouponTemplate[]
  /** points-mall gifts with pickup at the desk (the ones a lottery can hand out) */
  gifts: GiftConfigView[]
  busy: boolean
  onSubmit: (f: LotteryFormValues) => void
  onCancel?: () => void
}) {
  const { mode, templates, gifts, busy } = props
  const [f, setF] = useState(props.initial)
  const set = <K extends keyof LotteryFormValues>(k: K, v: LotteryFormValues[K]) => setF((x) => ({ ...x, [k]: v }))
  const setPrize = (i: number, patch: Partial<PrizeRow>) =>
    set(
      'prizes',
      f.prizes.map((p, j) => (j === i ? { ...p, ...patch } : p)),
    )
  const total = f.prizes.reduce((s, p) => s + (Number(p.percent) || 0), 0)
  const nextId = () => {
    for (let n = 1; ; n++) if (!f.prizes.some((p) => p.id === `p${n}`)) return `p${n}`
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    props.onSubmit(f)
  }
  const field = (k: keyof LotteryFormValues, label: string, type = 'text') => (
    <label className='field'>
      <span>{label}</span>
      <input
        data-testid={`lottery-${k}`}
        type={type}
        inputMode={type === 'text' ? 'numeric' : undefined}
        value={f[k] as string}
        onChange={(e) => set(k, e.target.value)}
      />
    </label>
  )
  return (
    <form onSubmit={submit} data-testid={`lottery-form-${mode}`}>
      <div className='form-grid'>
        {mode === 'create' ? (
          <>
            <label className='field'>
              <span>名称</span>
              <input
                data-testid='lottery-name'
                value={f.name}
                maxLength={30}
                onChange={(e) => set('name', e.target.value)}
              />
            </label>
            {field('costPoints', '每次消耗积分')}
            {field('dailyLimit', '每人每天最多次数')}
            {field('budgetPoints', '积分奖品预算（送出积分上限，用尽自动暂停）')}
            {field('startsAt', '开始时间', 'datetime-local')}
            {field('endsAt', '结束时间', 'datetime-local')}
          </>
        ) : (
          field('effectiveFrom', '新方案生效时间（不早于现在；已抽出的结果不受影响）', 'datetime-local')
        )}
      </div>
      <table className='table table-dense lottery-prize-table'>
        <thead>
          <tr>
            <th>编号</th>
            <th>奖品名称</th>
            <th>类型</th>
            <th>积分 / 优惠券 / 礼品</th>
            <th className='num'>库存（空=不限）</th>
            <th className='num'>概率 %</th>
            <th>兜底</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {f.prizes.map((p, i) => (
            <tr key={i} data-testid='lottery-prize-row'>
              <td className='mono'>{p.id}</td>
              <td>
                <input value={p.name} maxLength={20} onChange={(e) => setPrize(i, { name: e.target.value })} />
              </td>
              <td>
                <select value={p.kind} onChange={(e) => setPrize(i, { kind: e.target.value as LotteryPrizeKind })}>
                  {LOTTERY_PRIZE_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {LOTTERY_PRIZE_KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {p.kind === 'points' && (
                  <input
                    inputMode='numeric'
                    value={p.points}
                    onChange={(e) => setPrize(i, { points: e.target.value })}
                  />
                )}
                {p.kind === 'coupon' && (
                  <select
                    value={p.couponTemplateId}
                    onChange={(e) => setPrize(i, { couponTemplateId: e.target.value })}
                  >
                    <option value=''>请选择优惠券</option>
                    {templates.map((t) => (
                      <option key={t._id} value={t._id}>
                        {t._id} {t.name}
                      </option>
                    ))}
                  </select>
                )}
                {p.kind === 'gift' && (
                  <select value={p.giftId} onChange={(e) => setPrize(i, { giftId: e.target.value })}>
                    <option value=''>请选择礼品（服务台自提）</option>
                    {gifts.map((g) => (
                      <option key={g.giftId} value={g.giftId}>
                        {g.giftId} {g.name}
                      </option>
                    ))}
                  </select>
                )}
              </td>
              <td className='num'>
                <input inputMode='numeric' value={p.stock} onChange={(e) => setPrize(i, { stock: e.target.value })} />
              </td>
              <td className='num'>
                <input
                  inputMode='decimal'
                  value={p.percent}
                  onChange={(e) => setPrize(i, { percent: e.target.value })}
                />
              </td>
              <td>
                <input
                  type='radio'
                  name={`consolation-${mode}`}
                  aria-label='兜底奖品'
                  checked={f.consolationPrizeId === p.id}
                  onChange={() => set('consolationPrizeId', p.id)}
                />
              </td>
              <td>
                {f.prizes.length > 2 && (
                  <button
                    className='btn btn-small'
                    type='button'
                    onClick={() =>
                      set(
                        'prizes',
                        f.prizes.filter((_, j) => j !== i),
                      )
                    }
                  >
                    删除
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className='toolbar'>
        <span className={Math.abs(total - 100) < 1e-9 ? 'muted' : 'form-error inline'} data-testid='lottery-total'>
          概率合计 {Number(total.toFixed(4))}%
        </span>
        {f.prizes.length < MAX_LOTTERY_PRIZES && (
          <button
            className='btn'
            type='button'
            onClick={() =>
              set('prizes', [...f.prizes, { ...thanks(), id: nextId(), name: '', kind: 'points', percent: '0' }])
            }
          >
            添加奖品
          </button>
        )}
        {props.onCancel && (
          <button className='btn' type='button' onClick={props.onCancel}>
            取消
          </button>
        )}
        <button className='btn btn-primary' type='submit' data-testid={`lottery-submit-${mode}`} disabled={busy}>
          {mode === 'create' ? '保存草稿' : '保存新方案'}
        </button>
      </div>
    </form>
  )
}
