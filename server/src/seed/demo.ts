import type { Connection } from 'mongoose'
import { shanghaiMonth } from '@mall/shared'
import type { AppContext } from '../app-context'
import { staffModel } from '../modules/staff/staff.model'
import { StaffService } from '../modules/staff/staff.service'
import { storeModel, type StoreDoc } from '../modules/stores/store.model'

/**
 * Demo data for the one-command run. Idempotent: every row has a fixed key, every ledger posting a
 * fixed event key, so restarting the demo never duplicates anything.
 */
export const DEMO_STORES: StoreDoc[] = [
  { _id: 'S001', name: '星巴克 Starbucks', floor: 'L1', category: '餐饮', multiplierPermille: 1000, opensAt: '07:30', closesAt: '22:00', active: true },
  { _id: 'S002', name: '优衣库 UNIQLO', floor: 'L2', category: '服饰', multiplierPermille: 1000, opensAt: '10:00', closesAt: '22:00', active: true },
  { _id: 'S003', name: '海底捞火锅', floor: 'L5', category: '餐饮', multiplierPermille: 1500, opensAt: '10:00', closesAt: '23:59', active: true },
  { _id: 'S004', name: '丝芙兰 SEPHORA', floor: 'L1', category: '美妆', multiplierPermille: 1200, opensAt: '10:00', closesAt: '22:00', active: true },
  { _id: 'DESK', name: '商场服务台', floor: 'L1', category: '服务', multiplierPermille: 1000, opensAt: '10:00', closesAt: '22:00', active: true },
]

export const DEMO_PASSWORD = 'demo1234'

const DEMO_STAFF = [
  { username: 'clerk1', displayName: '张店员（星巴克）', role: 'clerk', storeId: 'S001' },
  { username: 'clerk2', displayName: '李店员（优衣库）', role: 'clerk', storeId: 'S002' },
  { username: 'manager1', displayName: '王店长（星巴克）', role: 'manager', storeId: 'S001' },
  { username: 'operator', displayName: '赵运营（商场）', role: 'operator', storeId: null },
] as const

const DEMO_MEMBERS = [
  { devUser: 'alice', purchases: [[-40, 'S001', 5800], [-20, 'S002', 129900], [-3, 'S003', 45600]] },
  { devUser: 'bob', purchases: [[-200, 'S002', 89900], [-10, 'S004', 32000]] },
  { devUser: 'carol', purchases: [] },
] as const

export const DEMO_LOGINS = [
  'Members (H5 体验登录): alice, bob, carol',
  `Staff (password ${DEMO_PASSWORD}): clerk1 (星巴克 clerk), clerk2 (优衣库 clerk), manager1 (星巴克 manager), operator`,
]

export async function seedDemo(ctx: AppContext, conn: Connection): Promise<void> {
  const Store = storeModel(conn)
  for (const store of DEMO_STORES) await Store.updateOne({ _id: store._id }, { $set: store }, { upsert: true }).exec()

  const Staff = staffModel(conn)
  for (const s of DEMO_STAFF) {
    if (await Staff.exists({ _id: s.username })) continue
    await Staff.create({ _id: s.username, displayName: s.displayName, role: s.role, storeId: s.storeId, passwordHash: await StaffService.hashPassword(DEMO_PASSWORD) })
  }

  const now = ctx.now()
  for (const m of DEMO_MEMBERS) {
    const { member } = await ctx.services.members.findOrRegister({ identity: `dev:${m.devUser}`, nickname: m.devUser, channel: 'dev', now })
    for (const [daysAgo, storeId, fen] of m.purchases) {
      const at = new Date(now.getTime() + daysAgo * 86400_000)
      const receiptNo = `DEMO-${m.devUser}-${-daysAgo}`
      await ctx.services.ledger.post({
        memberId: member._id,
        eventKey: `purchase:${storeId}:${receiptNo}`,
        type: 'earn',
        now: at,
        plan: () => ({
          op: { kind: 'credit', points: Math.floor(fen / 100), earnedMonth: shanghaiMonth(at), expiryMonths: 12 },
          growth: { spendFen: { month: shanghaiMonth(at), amount: fen } },
          meta: { storeId, receiptNo, amountFen: fen, reason: '消费积分' },
        }),
      })
    }
  }
}
