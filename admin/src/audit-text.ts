import { ERROR_MESSAGES_ZH, PERSONAL_FIELD_LABELS } from '@mall/shared'

/** What an audit row says, in words: who (role and account) did what to whom. */

export const ROLE_NAMES: Record<string, string> = { clerk: '店员', manager: '店长', operator: '运营' }

type Target = Record<string, unknown>
const str = (v: unknown) => (v === undefined || v === null || v === '' ? '' : String(v))
const yuan = (fen: unknown) => (typeof fen === 'number' ? `¥${(fen / 100).toFixed(2)}` : '')
const signed = (n: unknown) => (typeof n === 'number' ? `${n > 0 ? '+' : ''}${n.toLocaleString('zh-CN')}` : str(n))
const reason = (t: Target) => (t.reason ? `（原因：${str(t.reason)}）` : '')
const quoted = (v: unknown) => (v ? `「${str(v)}」` : '')
/** "138****0000" when the listing found the member's phone, else the member number. */
const member = (t: Target) => str(t.memberLabel ?? t.id)
const CAMPAIGN_KIND = { campaigns: '营销活动', 'points-campaigns': '积分活动' } as const

const JOB_NAMES: Record<string, string> = {
  'expire-points': '积分过期',
  'evaluate-tiers': '等级评定',
  'replay-check': '对账检查',
  'sweep-used-codes': '清理已用会员码',
  'sweep-coupon-claims': '清理未支付领券',
  'sweep-checkins': '补齐签到',
  'sweep-referrals': '补齐邀请奖励',
  'sweep-purchases': '补齐消费积分',
  'send-checkin-reminders': '发送签到提醒',
  'run-campaigns': '执行营销活动',
  'sweep-campaign-grants': '补齐活动奖励',
  'grant-tier-monthly-coupons': '发放等级月度券',
}
const RULE_SECTIONS: Record<string, string> = {
  earning: '积分获取',
  tiers: '会员等级',
  checkin: '签到',
  referral: '邀请',
  expiry: '积分有效期',
  redemption: '积分兑换',
}

/** "METHOD /route/:param" (as the server records it) -> the action in words. */
const PHRASES: Record<string, (t: Target) => string> = {
  'POST /api/staff/auth/login': () => '登录后台',
  'POST /api/staff/auth/refresh': () => '续期登录',
  'POST /api/staff/purchases': (t) => `录入消费小票 ${str(t.receiptNo)} ${yuan(t.amountFen)}`.trim(),
  'POST /api/staff/purchases/:receiptNo/reverse': (t) => `冲正消费小票 ${str(t.receiptNo)}${reason(t)}`,
  'POST /api/staff/purchases/:receiptNo/decision': (t) =>
    `${t.approve === false ? '驳回' : '通过'}消费小票 ${str(t.receiptNo)}${reason(t)}`,
  'PUT /api/staff/store/sales': () => '申报门店销售额',
  'POST /api/staff/coupons/preview': (t) => `查验优惠券 ${str(t.code)}`.trim(),
  'POST /api/staff/coupons/redeem': (t) => `核销优惠券 ${str(t.code)}`.trim(),
  'POST /api/staff/coupons/:couponId/undo': (t) => `撤销优惠券 ${str(t.couponId)} 的核销`,
  'POST /api/staff/points/redeem': (t) => `为会员兑换 ${quoted(t.item)}，扣 ${str(t.points)} 积分`,
  'PUT /api/ops/rules': (t) => `修改规则${quoted(RULE_SECTIONS[str(t.section)] ?? t.section)}`,
  'POST /api/ops/jobs/:name': (t) => `手动执行任务「${JOB_NAMES[str(t.name)] ?? str(t.name)}」`,
  'POST /api/ops/coupon-templates': (t) => `新建优惠券模板${quoted(t.name)}`,
  'POST /api/ops/coupon-templates/:templateId/status': (t) =>
    `${t.status === 'paused' ? '暂停' : '启用'}优惠券模板 ${str(t.templateId)}`,
  'POST /api/ops/feedback/:id/assign': (t) => `将反馈 ${str(t.id)} 分派给 ${str(t.assignee)}`,
  'POST /api/ops/feedback/:id/reply': (t) => `回复反馈 ${str(t.id)}`,
  'POST /api/ops/feedback/:id/close': (t) => `关闭反馈 ${str(t.id)}`,
  'POST /api/ops/members/:id/tags': (t) => `修改会员 ${member(t)} 的标签`,
  'POST /api/ops/members/:id/points-adjustments': (t) =>
    `将会员 ${member(t)} 的积分调整 ${signed(t.points)}${reason(t)}`,
  'POST /api/ops/members/:id/freeze': (t) => `冻结会员 ${member(t)}${reason(t)}`,
  'POST /api/ops/members/:id/unfreeze': (t) => `解冻会员 ${member(t)}${reason(t)}`,
  'POST /api/ops/members/:id/reveal': (t) =>
    `查看会员 ${member(t)} 的完整${(PERSONAL_FIELD_LABELS as Record<string, string>)[str(t.field)] ?? '信息'}${reason(t)}`,
  'POST /api/ops/mall/redemptions/:id/reveal-address': (t) => `查看兑换单 ${str(t.id)} 的完整收货信息${reason(t)}`,
  'POST /api/ops/segments/:id/export': (t) =>
    `导出分群${quoted(t.name ?? t.id)}的会员 ${str(t.rowCount)} 位（${t.clear ? '含完整个人信息' : '个人信息已脱敏'}）${reason(t)}`,
  'POST /api/ops/member-requests/:id/approve': () => '批准一笔积分调整申请',
  'POST /api/ops/member-requests/:id/reject': (t) => `驳回一笔积分调整申请${reason(t)}`,
  'POST /api/ops/segments/preview': () => '预览分群人数',
  'POST /api/ops/segments': (t) => `新建分群${quoted(t.name)}`,
  'PUT /api/ops/segments/:id': (t) => `修改分群 ${str(t.id)}${quoted(t.name)}`,
  'POST /api/ops/segments/:id/delete': (t) => `删除分群 ${str(t.id)}`,
  'POST /api/ops/stores': (t) => `新建门店${quoted(t.name)}`,
  'PUT /api/ops/stores/:id': (t) => `修改门店 ${str(t.id)}${quoted(t.name)}`,
  'POST /api/ops/staff': (t) => `新建员工账号 ${str(t.username)}`,
  'PUT /api/ops/staff/:id': (t) => `修改员工账号 ${str(t.id)}`,
}
for (const [path, kind] of Object.entries(CAMPAIGN_KIND)) {
  const base = `/api/ops/${path}`
  PHRASES[`POST ${base}`] = (t) => `新建${kind}${quoted(t.name)}`
  PHRASES[`POST ${base}/simulate`] = () => `试算${kind}`
  PHRASES[`POST ${base}/:id/simulate`] = (t) => `试算${kind} ${str(t.id)}`
  PHRASES[`POST ${base}/:id/activate`] = (t) => `启用${kind} ${str(t.id)}`
  PHRASES[`POST ${base}/:id/kill`] = (t) => `紧急停止${kind} ${str(t.id)}${reason(t)}`
  PHRASES[`POST ${base}/:id/resume`] = (t) => `恢复${kind} ${str(t.id)}`
  PHRASES[`POST ${base}/:id/run`] = (t) => `立即执行${kind} ${str(t.id)}`
}

export interface AuditRowFacts {
  staffId: string | null
  /** the account's display name (the listing looks it up) */
  staffName?: string | null
  /** the member's masked phone, for actions on a member */
  memberPhoneMasked?: string | null
  role: string | null
  action: string
  target: unknown
  outcome: string
}

/** "运营 ops1 将会员 M000001 的积分调整 +200（原因：补录）"; an unknown route is named as it is. */
export function auditSentence(row: AuditRowFacts): string {
  // a login carries no role yet: the account named is who tried
  const role = row.role ? (ROLE_NAMES[row.role] ?? row.role) : row.staffId ? '员工' : '未登录用户'
  const who = `${role} ${row.staffName ?? row.staffId ?? ''}`.trim()
  const target = { ...(row.target && typeof row.target === 'object' ? row.target : {}) } as Target
  if (row.memberPhoneMasked) target.memberLabel = row.memberPhoneMasked
  const phrase = PHRASES[row.action]
  const what = phrase ? phrase(target) : `调用接口 ${row.action}`
  return `${who} ${what}`
}

/** "成功" or the refusal in words ("积分不足"), the code kept for support. */
export function outcomeText(outcome: string): string {
  if (outcome === 'ok') return '成功'
  const zh = (ERROR_MESSAGES_ZH as Record<string, string>)[outcome]
  return zh ? `失败：${zh}` : `失败（${outcome}）`
}
