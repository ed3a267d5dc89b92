import { trusted, type Model } from 'mongoose'
import {
  FEEDBACK_CATEGORY_LABELS,
  addDays,
  durationInWords,
  feedbackFigures,
  startOfShanghaiDay,
  type KpiQuery,
  type KpiReport,
} from '@mall/shared'
import type { FeedbackTicketDoc } from './feedback.model'

/**
 * The dashboard's feedback section: tickets submitted in the range (Shanghai days; with a store
 * filter only tickets about that store), their response times and resolution as of `now`.
 */
export async function feedbackKpis(
  Ticket: Model<FeedbackTicketDoc>,
  q: KpiQuery,
  now: Date,
): Promise<Pick<KpiReport, 'metrics' | 'tables'>> {
  const range = { $gte: startOfShanghaiDay(q.from), $lt: startOfShanghaiDay(addDays(q.to, 1)) }
  const rows = await Ticket.find(
    { createdAt: trusted(range), ...(q.storeId ? { storeId: q.storeId } : {}) },
    { category: 1, createdAt: 1, firstResponseAt: 1, closedAt: 1 },
  )
    .lean<Pick<FeedbackTicketDoc, 'category' | 'createdAt' | 'firstResponseAt' | 'closedAt'>[]>()
    .exec()
  const f = feedbackFigures(rows, now)
  return {
    metrics: [
      {
        key: 'feedback_tickets',
        label: '会员反馈',
        value: f.tickets,
        unit: '件',
        definition: '区间内会员提交的反馈工单数（上海时间；选择门店时只计关联该门店的反馈）',
      },
      {
        key: 'feedback_first_response',
        label: '首次响应时长（中位数）',
        value: f.medianFirstResponseMinutes,
        unit: '分钟',
        definition:
          '区间内提交的反馈中已得到响应的，从提交到首次回复（或直接关闭）的分钟数中位数；没有已响应的反馈时暂无数据',
      },
      {
        key: 'feedback_resolution_time',
        label: '解决时长（中位数）',
        value: f.medianResolutionMinutes,
        unit: '分钟',
        definition: '区间内提交且已关闭的反馈，从提交到关闭的分钟数中位数；没有已关闭的反馈时暂无数据',
      },
      {
        key: 'feedback_resolution_rate',
        label: '问题解决率',
        value: f.resolutionRate,
        unit: '%',
        definition: '区间内提交的反馈中，截至当前已关闭的比例',
      },
      {
        key: 'feedback_awaiting',
        label: '待响应反馈',
        value: f.awaitingResponse,
        unit: '件',
        definition:
          '区间内提交、截至当前既未回复也未关闭的反馈数' +
          (f.oldestAwaitingMinutes === null ? '' : `；其中最久已等待 ${durationInWords(f.oldestAwaitingMinutes)}`),
      },
    ],
    tables: [
      {
        key: 'feedback_categories',
        label: '反馈类别分布',
        definition: '区间内提交的反馈按类别统计：数量、占全部反馈的比例、截至当前已关闭的数量',
        columns: ['类别', '反馈数', '占比%', '已解决'],
        rows: f.byCategory.map((c) => [FEEDBACK_CATEGORY_LABELS[c.category], c.count, c.share, c.resolved]),
      },
    ],
  }
}
