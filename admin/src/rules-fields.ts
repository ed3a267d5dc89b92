import type { CheckinRules, EarningRules, ReferralRules, TierDefinition } from '@mall/shared'
import { fenToYuan, yuanToFen } from './format'

/**
 * The rules as operators think of them: each field with its label and unit (元, 倍, 天…), read from and
 * written to the stored shape (fen, per-mille). Arrays and records get one field per existing row;
 * adding rows stays in the JSON tab; new double-points campaigns are added on 营销活动 (PointsCampaignDraft).
 */
export type Section = 'earning' | 'tiers' | 'checkin' | 'referral'
export type Kind = 'int' | 'yuan' | 'multiplier' | 'list' | 'text' | 'policy'
export interface FieldSpec {
  /** dot path in the section's value: 'pointsPerYuan', '0.benefits.perks', 'milestones.1.day' */
  path: string
  label: string
  unit?: string
  kind: Kind
  group?: string
}
export interface RulesValue {
  earning: EarningRules
  tiers: TierDefinition[]
  checkin: CheckinRules
  referral: ReferralRules
}

const int = (path: string, label: string, unit?: string, group?: string): FieldSpec => ({
  path,
  label,
  unit,
  kind: 'int',
  group,
})
const yuan = (path: string, label: string, group?: string): FieldSpec => ({
  path,
  label,
  unit: '元',
  kind: 'yuan',
  group,
})
const times = (path: string, label: string, group?: string): FieldSpec => ({
  path,
  label,
  unit: '倍',
  kind: 'multiplier',
  group,
})

export function fieldsOf(section: Section, value: RulesValue): FieldSpec[] {
  switch (section) {
    case 'earning':
      return [
        int('pointsPerYuan', '每消费 1 元得', '积分', '积分获取'),
        int('expiryMonths', '积分有效期', '个月', '积分获取'),
        int('dailyEarnCap', '每人每日积分上限（0 = 不限）', '积分', '积分获取'),
        int('balanceCap', '积分余额上限（0 = 不限）', '积分', '积分获取'),
        ...Object.keys(value.earning.categoryMultipliers).map((c) =>
          times(`categoryMultipliers.${c}`, `品类倍率：${c}`, '品类倍率'),
        ),
        yuan('maxReceiptFen', '单张小票金额上限', '门店录入'),
        yuan('approvalThresholdFen', '超过此金额需店长审核', '门店录入'),
        yuan('staffDailyCapFen', '每位员工每日录入上限', '门店录入'),
        yuan('staffHourlyCapFen', '每位员工每小时录入上限', '门店录入'),
        int('undoWindowMinutes', '录入后可撤销时限', '分钟', '门店录入'),
        { path: 'negativeBalancePolicy', label: '退款时积分已用完', kind: 'policy', group: '退款' },
        int('actionGrowth.checkin', '每次签到成长值', '点', '成长值'),
        int('actionGrowth.invite', '每邀请 1 位好友成长值', '点', '成长值'),
      ]
    case 'tiers':
      return value.tiers.flatMap((t, i) => {
        const g = `等级 ${t.level}`
        return [
          { path: `${i}.name`, label: '名称', kind: 'text' as const, group: g },
          int(`${i}.entryGrowth`, '升级所需成长值', '点', g),
          int(`${i}.retainGrowth`, '保级所需成长值', '点', g),
          times(`${i}.multiplierPermille`, '积分倍率', g),
          int(`${i}.benefits.birthdayGiftPoints`, '生日礼积分', '积分', g),
          int(`${i}.benefits.freeParkingHours`, '免费停车', '小时', g),
          int(`${i}.benefits.monthlyCoupons`, '每月赠券', '张', g),
          { path: `${i}.benefits.perks`, label: '其他权益（用顿号分隔）', kind: 'list' as const, group: g },
        ]
      })
    case 'checkin':
      return [
        int('basePoints', '每日签到积分', '积分', '签到'),
        int('cycleDays', '连续签到周期', '天', '签到'),
        int('makeupCardPricePoints', '补签卡价格', '积分', '补签'),
        int('makeupMonthlyCap', '每月最多补签', '次', '补签'),
        ...value.checkin.milestones.flatMap((_, i) => [
          int(`milestones.${i}.day`, '连续签到第', '天', `里程碑 ${i + 1}`),
          int(`milestones.${i}.bonusPoints`, '奖励积分', '积分', `里程碑 ${i + 1}`),
          int(`milestones.${i}.makeupCards`, '赠补签卡', '张', `里程碑 ${i + 1}`),
        ]),
      ]
    case 'referral':
      return [
        int('inviteePoints', '新会员（被邀请人）得', '积分', '邀请奖励'),
        int('inviterPoints', '邀请人每邀请 1 位得', '积分', '邀请奖励'),
        int('inviterDailyCap', '邀请人每日最多奖励', '人', '邀请奖励'),
        int('inviterMonthlyCap', '邀请人每月最多奖励', '人', '邀请奖励'),
      ]
  }
}

export function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj)
}

function setPath(obj: unknown, path: string, v: unknown): void {
  const keys = path.split('.')
  const last = keys.pop()!
  const parent = keys.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj)
  ;(parent as Record<string, unknown>)[last] = v
}

/** The stored value as the form shows it: fen as yuan, per-mille as 倍. */
export function display(f: FieldSpec, v: unknown): string {
  if (f.kind === 'yuan') return fenToYuan(Number(v)).replace(/,/g, '')
  if (f.kind === 'multiplier') return String(Number(v) / 1000)
  if (f.kind === 'list') return (v as string[]).join('、')
  return String(v ?? '')
}

/** "1.5" 倍 -> 1500 per-mille (at most 3 decimals); null when not a number like that. */
export function multiplierToPermille(s: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,3}))?$/.exec(s.trim())
  return m ? Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0')) : null
}

const FORMAT_ERRORS: Record<Kind, string> = {
  int: '请填写整数',
  yuan: '请填写金额（元，最多两位小数）',
  multiplier: '请填写倍数，如 1 或 1.5',
  list: '',
  text: '',
  policy: '',
}

/** The form's strings back into the section's value; fields that do not parse are named. */
export function buildValue(
  section: Section,
  current: RulesValue,
  fields: FieldSpec[],
  draft: Record<string, string>,
): { value: unknown; errors: Record<string, string> } {
  const value = structuredClone(current[section]) as unknown
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const s = (draft[f.path] ?? '').trim()
    let v: unknown = s
    if (f.kind === 'int') v = /^-?\d+$/.test(s) ? Number(s) : null
    if (f.kind === 'yuan') v = yuanToFen(s)
    if (f.kind === 'multiplier') v = multiplierToPermille(s)
    if (f.kind === 'list')
      v = s
        .split(/[、,，]/)
        .map((x) => x.trim())
        .filter(Boolean)
    if (v === null) errors[f.path] = FORMAT_ERRORS[f.kind]
    else setPath(value, f.path, v)
  }
  return { value, errors }
}

interface Issue {
  code?: string
  path: PropertyKey[] | string
  message: string
  minimum?: unknown
  maximum?: unknown
  origin?: string
}

const KNOWN: Record<string, string> = {
  'retention threshold must not exceed the entry threshold': '保级所需成长值不能高于升级所需成长值',
  'tier 1 must start at 0': '等级 1 的升级所需成长值必须为 0',
  'a coupon template number': '应为 6 位优惠券模板编号',
}

/** A bound in the field's unit: 10000 fen -> "100 元", 1500 per-mille -> "1.5 倍". */
function bound(f: FieldSpec | undefined, n: number): string {
  if (f?.kind === 'yuan') return `${fenToYuan(n)} 元`
  if (f?.kind === 'multiplier') return `${n / 1000} 倍`
  return f?.unit ? `${n.toLocaleString('zh-CN')} ${f.unit}` : n.toLocaleString('zh-CN')
}

/**
 * A zod issue (from the browser's check, or the server's VALIDATION.FAILED details, whose messages are
 * zod's English: "Too small: expected number to be >=0") in Chinese, in the field's unit.
 */
export function zhRuleIssue(issue: Issue, fields: FieldSpec[]): { path: string; text: string } {
  const path = Array.isArray(issue.path) ? issue.path.map(String).join('.') : String(issue.path)
  const f = fields.find((x) => x.path === path)
  const small = issue.code === 'too_small' ? Number(issue.minimum) : matchBound(issue.message, /too small.*?(-?\d+)/i)
  const big = issue.code === 'too_big' ? Number(issue.maximum) : matchBound(issue.message, /too big.*?(-?\d+)/i)
  let text = KNOWN[issue.message] ?? ''
  if (!text && small !== null) text = issue.origin === 'string' ? '不能为空' : `不能小于 ${bound(f, small)}`
  if (!text && big !== null) text = issue.origin === 'string' ? `最多 ${big} 个字` : `不能大于 ${bound(f, big)}`
  if (!text && /invalid|expected/i.test(issue.message)) text = '格式不正确'
  const where = f ? `${f.group ? `${f.group} · ` : ''}${f.label}` : path ? '其他设置' : '整体'
  return { path, text: `${where}：${text || issue.message}` }
}

function matchBound(message: string, re: RegExp): number | null {
  const m = re.exec(message)
  return m ? Number(m[1]) : null
}
