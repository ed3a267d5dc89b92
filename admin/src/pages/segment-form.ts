import {
  LIFECYCLE_STAGES,
  segmentDefinition,
  type LifecycleStage,
  type SegmentDefinition,
  type SegmentView,
} from '@mall/shared'

/** The segment editor's form: what the operator types, and the definition the contract checks. */
export type Letter = 'r' | 'f' | 'm'
export interface Form {
  name: string
  description: string
  note: string
  tierLevels: number[]
  lifecycles: LifecycleStage[]
  churn: '' | 'yes' | 'no'
  rfm: Record<Letter, { min: string; max: string }>
  tags: string
  joinedWithinDays: string
  lastPurchaseWithinDays: string
  notPurchasedForDays: string
  birthdayThisMonth: boolean
}

export const emptyForm = (): Form => ({
  name: '',
  description: '',
  note: '',
  tierLevels: [],
  lifecycles: [],
  churn: '',
  rfm: { r: { min: '', max: '' }, f: { min: '', max: '' }, m: { min: '', max: '' } },
  tags: '',
  joinedWithinDays: '',
  lastPurchaseWithinDays: '',
  notPurchasedForDays: '',
  birthdayThisMonth: false,
})

export const FIELD_LABELS: Record<string, string> = {
  tierLevels: '会员等级',
  lifecycles: '生命周期',
  churnRisk: '流失风险',
  rfm: 'RFM',
  tagsAny: '标签',
  joinedWithinDays: '入会天数',
  lastPurchaseWithinDays: '最近消费',
  notPurchasedForDays: '未消费天数',
  birthdayThisMonth: '本月生日',
}
export const RFM_LABELS: Record<Letter, string> = { r: 'R 最近消费', f: 'F 消费频次', m: 'M 消费金额' }

const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim()))

/** The form as a definition (unset fields left out), before validation. */
export function toDefinition(f: Form): unknown {
  const d: Record<string, unknown> = {}
  if (f.tierLevels.length) d.tierLevels = [...f.tierLevels].sort((a, b) => a - b)
  if (f.lifecycles.length) d.lifecycles = LIFECYCLE_STAGES.filter((s) => f.lifecycles.includes(s))
  if (f.churn) d.churnRisk = f.churn === 'yes'
  const rfm: Record<string, unknown> = {}
  for (const k of ['r', 'f', 'm'] as const) {
    const r = {
      ...(num(f.rfm[k].min) !== undefined ? { min: num(f.rfm[k].min) } : {}),
      ...(num(f.rfm[k].max) !== undefined ? { max: num(f.rfm[k].max) } : {}),
    }
    if (Object.keys(r).length) rfm[k] = r
  }
  if (Object.keys(rfm).length) d.rfm = rfm
  const tags = f.tags
    .split(/[,，、]/)
    .map((t) => t.trim())
    .filter(Boolean)
  if (tags.length) d.tagsAny = [...new Set(tags)]
  for (const k of ['joinedWithinDays', 'lastPurchaseWithinDays', 'notPurchasedForDays'] as const)
    if (num(f[k]) !== undefined) d[k] = num(f[k])
  if (f.birthdayThisMonth) d.birthdayThisMonth = true
  return d
}

export function fromSegment(s: SegmentView): Form {
  const d = s.definition
  const str = (n: number | undefined) => (n === undefined ? '' : String(n))
  return {
    name: s.name,
    description: s.description,
    note: '',
    tierLevels: d.tierLevels ?? [],
    lifecycles: d.lifecycles ?? [],
    churn: d.churnRisk === undefined ? '' : d.churnRisk ? 'yes' : 'no',
    rfm: {
      r: { min: str(d.rfm?.r?.min), max: str(d.rfm?.r?.max) },
      f: { min: str(d.rfm?.f?.min), max: str(d.rfm?.f?.max) },
      m: { min: str(d.rfm?.m?.min), max: str(d.rfm?.m?.max) },
    },
    tags: (d.tagsAny ?? []).join('，'),
    joinedWithinDays: str(d.joinedWithinDays),
    lastPurchaseWithinDays: str(d.lastPurchaseWithinDays),
    notPurchasedForDays: str(d.notPurchasedForDays),
    birthdayThisMonth: d.birthdayThisMonth === true,
  }
}

/** Validates with the shared contract; problems in Chinese, keyed by the top-level field. */
export function validateDefinition(
  raw: unknown,
): { ok: true; definition: SegmentDefinition } | { ok: false; problems: string[] } {
  const parsed = segmentDefinition.safeParse(raw)
  if (parsed.success) return { ok: true, definition: parsed.data }
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => {
      const field = FIELD_LABELS[String(i.path[0])] ?? String(i.path[0] ?? '条件')
      const sub = i.path
        .slice(1)
        .filter((p) => typeof p === 'string')
        .join('.')
        .toUpperCase()
      if (i.path[0] === 'notPurchasedForDays' && i.code === 'custom')
        return '未消费天数须小于「最近 N 天内有消费」的天数（表示最后一次消费在两者之间）'
      if (i.path[0] === 'rfm' && i.code === 'custom') return `RFM ${sub} 的最低分不能高于最高分`
      if (i.path[0] === 'tagsAny') return '标签为 1–20 个字：中文、字母、数字、空格、_ - ·，最多 20 个'
      if (i.code === 'invalid_type' || i.code === 'too_small' || i.code === 'too_big')
        return `${field}${sub ? ` ${sub}` : ''}：请输入有效的整数（天数 1–3650，RFM 1–5）`
      return `${field}${sub ? ` ${sub}` : ''}：${i.message}`
    }),
  }
}
