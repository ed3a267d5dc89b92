import {
  lotteryInput,
  lotteryVersionInput,
  shanghaiDateTime,
  type LotteryPrizeInput,
  type LotteryPrizeKind,
  type LotteryVersionView,
} from '@mall/shared'
import { localToInstant } from '../format'
import { invalidFieldsText } from '../ui'

// The lottery form's values as typed, their starting points, and their parsing by the shared contracts.

/** A prize row as typed: numbers stay text until the contract parses them. */
export interface PrizeRow {
  id: string
  name: string
  kind: LotteryPrizeKind
  points: string
  couponTemplateId: string
  giftId: string
  stock: string
  percent: string
}

export interface LotteryFormValues {
  name: string
  costPoints: string
  dailyLimit: string
  budgetPoints: string
  startsAt: string
  endsAt: string
  effectiveFrom: string
  prizes: PrizeRow[]
  consolationPrizeId: string
}

const localAt = (ms: number) => shanghaiDateTime(ms).replace(' ', 'T')
export const thanks = (): PrizeRow => ({
  id: 'thanks',
  name: '谢谢参与',
  kind: 'none',
  points: '',
  couponTemplateId: '',
  giftId: '',
  stock: '',
  percent: '70',
})

export function emptyLotteryForm(): LotteryFormValues {
  return {
    name: '',
    costPoints: '50',
    dailyLimit: '3',
    budgetPoints: '100000',
    startsAt: localAt(Date.now()),
    endsAt: localAt(Date.now() + 30 * 86400_000),
    effectiveFrom: localAt(Date.now() + 3600_000),
    prizes: [
      {
        id: 'p1',
        name: '100积分',
        kind: 'points',
        points: '100',
        couponTemplateId: '',
        giftId: '',
        stock: '100',
        percent: '30',
      },
      thanks(),
    ],
    consolationPrizeId: 'thanks',
  }
}

/** A new version starts from the prizes in effect (same ids, so their stock counts on). */
export function formFromVersion(v: LotteryVersionView): LotteryFormValues {
  return {
    ...emptyLotteryForm(),
    prizes: v.prizes.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      points: p.points ? String(p.points) : '',
      couponTemplateId: p.couponTemplateId ?? '',
      giftId: p.giftId ?? '',
      stock: p.stock === null ? '' : String(p.stock),
      percent: String(p.probabilityPpm / 10_000),
    })),
    consolationPrizeId: v.consolationPrizeId,
  }
}

function prizesOf(f: LotteryFormValues): LotteryPrizeInput[] {
  return f.prizes.map((p) => ({
    id: p.id.trim(),
    name: p.name.trim(),
    kind: p.kind,
    points: p.kind === 'points' ? Number(p.points) : 0,
    couponTemplateId: p.kind === 'coupon' ? p.couponTemplateId || null : null,
    giftId: p.kind === 'gift' ? p.giftId || null : null,
    stock: p.stock.trim() === '' ? null : Number(p.stock),
    probabilityPpm: Math.round(Number(p.percent) * 10_000),
  }))
}

const LABELS: Record<string, string> = {
  name: '名称',
  costPoints: '每次消耗积分',
  dailyLimit: '每日次数',
  budgetPoints: '积分奖品预算',
  startsAt: '开始时间',
  endsAt: '结束时间',
  effectiveFrom: '生效时间',
  prizes: '奖品（概率合计须为 100%）',
  consolationPrizeId: '兜底奖品（须为不限量的谢谢参与）',
}

export function parseLottery(f: LotteryFormValues) {
  const parsed = lotteryInput.safeParse({
    name: f.name,
    costPoints: Number(f.costPoints),
    dailyLimit: Number(f.dailyLimit),
    budgetPoints: Number(f.budgetPoints),
    startsAt: localToInstant(f.startsAt),
    endsAt: localToInstant(f.endsAt),
    prizes: prizesOf(f),
    consolationPrizeId: f.consolationPrizeId,
  })
  return parsed.success
    ? ({ ok: true, input: parsed.data } as const)
    : ({ ok: false, text: invalidFieldsText(parsed.error.issues, LABELS) } as const)
}

export function parseVersion(f: LotteryFormValues) {
  const parsed = lotteryVersionInput.safeParse({
    prizes: prizesOf(f),
    consolationPrizeId: f.consolationPrizeId,
    effectiveFrom: localToInstant(f.effectiveFrom),
  })
  return parsed.success
    ? ({ ok: true, input: parsed.data } as const)
    : ({ ok: false, text: invalidFieldsText(parsed.error.issues, LABELS) } as const)
}
