import { trusted } from 'mongoose'
import type { LotteryDrawView, MemberLotteryView } from '@mall/shared'
import type { LotteryAdminService } from './lottery-admin.service'
import type { LotteryDoc, LotteryDrawDoc, LotteryModels, LotteryOutcomeDoc, LotteryVersionDoc } from './lottery.model'

const MY_DRAWS_LIMIT = 50

/** Why a member cannot draw now, in their words; null when the lottery is open. */
export function closedReason(l: LotteryDoc, now: Date): string | null {
  if (l.status === 'killed') return '活动已停止'
  if (l.status === 'paused_budget') return '奖品已发完，活动暂停'
  if (l.status === 'draft') return '活动尚未开始'
  if (now.getTime() < Date.parse(l.startsAt)) return '活动尚未开始'
  if (now.getTime() >= Date.parse(l.endsAt)) return '活动已结束'
  return null
}

export function drawView(
  d: LotteryDrawDoc,
  l: Pick<LotteryDoc, 'name'>,
  v: LotteryVersionDoc,
  outcome: Pick<LotteryOutcomeDoc, 'prizeId' | 'fallback'> | null,
): LotteryDrawView {
  const prizeId = outcome?.prizeId ?? d.prizeId ?? v.consolationPrizeId
  const prize = v.prizes.find((p) => p.id === prizeId)!
  return {
    id: d._id,
    lotteryId: d.lotteryId,
    lotteryName: l.name,
    at: new Date(d.at).toISOString(),
    costPoints: d.costPoints,
    prize: { id: prize.id, name: prize.name, kind: prize.kind, points: prize.points },
    fallback: outcome?.fallback ?? d.fallback,
    state: d.state === 'settled' ? 'settled' : 'pending',
  }
}

/** What members see: the lotteries they can play and the draws they made. */
export class LotteryMemberViews {
  constructor(
    private readonly m: LotteryModels,
    private readonly admin: LotteryAdminService,
    private readonly drawsToday: (lottery: LotteryDoc, memberId: string, now: Date) => Promise<number>,
  ) {}

  async list(memberId: string, now: Date): Promise<MemberLotteryView[]> {
    const rows = await this.m.Lottery.find({ status: trusted({ $ne: 'draft' }) })
      .sort({ createdAt: -1 })
      .limit(20)
      .lean<LotteryDoc[]>()
      .exec()
    const out: MemberLotteryView[] = []
    for (const row of rows) {
      const l = await this.admin.states.current(row)
      const version = await this.admin.versionAt(l._id, now)
      if (!version || l.status === 'draft' || now.getTime() >= Date.parse(l.endsAt)) continue
      const won = await this.admin.wonByPrize(l._id, { limitedOnly: true })
      const drawn = await this.drawsToday(l, memberId, now)
      out.push({
        id: l._id,
        name: l.name,
        costPoints: l.costPoints,
        dailyLimit: l.dailyLimit,
        drawsLeftToday: Math.max(0, l.dailyLimit - drawn),
        endsAt: l.endsAt,
        prizes: version.prizes.map((p) => ({
          id: p.id,
          name: p.name,
          kind: p.kind,
          points: p.points,
          probabilityPpm: p.probabilityPpm,
          soldOut: p.stock !== null && (won[p.id] ?? 0) >= p.stock,
        })),
        closedReason: closedReason(l, now),
      })
    }
    return out
  }

  /** The member's paid draws, newest first. */
  async myDraws(memberId: string): Promise<LotteryDrawView[]> {
    const draws = await this.m.Draw.find({ memberId, state: trusted({ $ne: 'pending_payment' }) })
      .sort({ at: -1 })
      .limit(MY_DRAWS_LIMIT)
      .lean<LotteryDrawDoc[]>()
      .exec()
    const lotteries = new Map<string, { l: LotteryDoc; versions: LotteryVersionDoc[] }>()
    for (const id of new Set(draws.map((d) => d.lotteryId))) {
      lotteries.set(id, { l: await this.admin.get(id), versions: await this.admin.versions(id) })
    }
    return draws.map((d) => {
      const { l, versions } = lotteries.get(d.lotteryId)!
      return drawView(
        d,
        l,
        versions.find((v) => v.version === d.version)!,
        null,
      )
    })
  }
}
