/** 我的数据: the export's sections as the page lists them, in zh-CN, with how many rows each holds. */

const SECTIONS: { key: string; label: string; unit: string }[] = [
  { key: 'ledger', label: '积分明细', unit: '条' },
  { key: 'coupons', label: '优惠券', unit: '张' },
  { key: 'checkins', label: '签到记录', unit: '次' },
  { key: 'feedback', label: '意见反馈', unit: '条' },
  { key: 'receipts', label: '小票积分', unit: '张' },
  { key: 'pointsClaims', label: '积分补登', unit: '条' },
  { key: 'giftRedemptions', label: '积分兑换', unit: '笔' },
  { key: 'lotteryDraws', label: '积分抽奖', unit: '次' },
  { key: 'addresses', label: '收货地址', unit: '个' },
]

export interface MyDataSummaryRow {
  key: string
  label: string
  value: string
}

export function summariseMyData(data: Record<string, unknown>): MyDataSummaryRow[] {
  const rows = SECTIONS.map((s) => {
    const list = data[s.key]
    return { key: s.key, label: s.label, value: `${Array.isArray(list) ? list.length : 0} ${s.unit}` }
  })
  const invites = data.invites as { friends?: unknown[] } | undefined
  rows.splice(3, 0, { key: 'invites', label: '邀请好友', value: `${invites?.friends?.length ?? 0} 位` })
  return rows
}

/** The file name the server suggests, rebuilt on the client (a download made from memory has no header). */
export function myDataFileName(memberNo: unknown, exportedAt: string): string {
  return `my-data-${String(memberNo)}-${exportedAt.slice(0, 10)}.json`
}
