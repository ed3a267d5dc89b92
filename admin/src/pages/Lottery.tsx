import { useState } from 'react'
import {
  LOTTERY_STATUS_LABELS,
  ppmToPercent,
  type CouponTemplate,
  type GiftConfigView,
  type LotteryAuditRow,
  type LotteryReportView,
  type LotteryView,
} from '@mall/shared'
import { api } from '../api'
import { DataTable, type Column } from '../components/DataTable'
import { formatInstant } from '../format'
import { Panel, useAction, useAsync } from '../ui'
import './lottery.css'
import { LotteryForm } from './LotteryForm'
import { emptyLotteryForm, formFromVersion, parseLottery, parseVersion } from './lottery-form-values'

const FALLBACK_LABELS = { sold_out: '奖品抽完，改为兜底', budget: '预算用尽，改为兜底' } as const
/** Below this p-value the observed shares are unlikely under the configured probabilities. */
const SUSPICIOUS_P = 0.01

/**
 * 积分抽奖 in the console: create (draft) → 启动; new prize versions that start at a stated time;
 * the kill switch; per lottery the fairness report (observed vs configured probability with a
 * chi-square p-value) and the audit list of draws (member, time, RNG output, prize).
 */
export function LotteryPage() {
  const [list, reload] = useAsync(() => api<{ items: LotteryView[] }>('GET', '/api/ops/lotteries'), [])
  const [templates] = useAsync(() => api<{ items: CouponTemplate[] }>('GET', '/api/ops/coupon-templates'), [])
  const [gifts] = useAsync(() => api<{ items: GiftConfigView[] }>('GET', '/api/ops/mall/gifts'), [])
  const giftItems = (gifts.data?.items ?? []).filter((g) => g.fulfilment.includes('pickup'))
  const [formKey, setFormKey] = useState(0)
  const [versionOf, setVersionOf] = useState<LotteryView | null>(null)
  const [detail, setDetail] = useState<{
    lottery: LotteryView
    report: LotteryReportView
    draws: LotteryAuditRow[]
  } | null>(null)
  const { busy, message, setMessage, act } = useAction(reload)
  const templateItems = templates.data?.items ?? []

  const open = (l: LotteryView) =>
    void act('已加载公平性报告与抽奖记录', async () => {
      const [report, draws] = await Promise.all([
        api<LotteryReportView>('GET', `/api/ops/lotteries/${l.id}/report`),
        api<{ items: LotteryAuditRow[] }>('GET', `/api/ops/lotteries/${l.id}/draws`),
      ])
      setDetail({ lottery: l, report, draws: draws.items })
    })
  const kill = (l: LotteryView) => {
    if (window.confirm(`确定紧急停止「${l.name}」？停止后不可恢复。`))
      void act(`已紧急停止「${l.name}」`, () => api('POST', `/api/ops/lotteries/${l.id}/kill`, {}))
  }
  const columns: Column<LotteryView>[] = [
    { key: 'name', title: '名称' },
    {
      key: 'status',
      title: '状态',
      className: 'nowrap',
      render: (l) => (
        <span className={`tag ${l.status === 'active' ? 'active' : l.status === 'draft' ? '' : 'paused'}`}>
          {LOTTERY_STATUS_LABELS[l.status]}
        </span>
      ),
    },
    { key: 'costPoints', title: '积分/次', numeric: true },
    { key: 'dailyLimit', title: '每日次数', numeric: true },
    { key: 'draws', title: '已抽次数', numeric: true },
    {
      key: 'budget',
      title: '积分预算已用',
      numeric: true,
      className: 'nowrap',
      render: (l) => `${l.budgetUsed.toLocaleString('zh-CN')} / ${l.budgetPoints.toLocaleString('zh-CN')}`,
    },
    { key: 'version', title: '奖品方案', className: 'nowrap', render: (l) => `第 ${l.versions.length} 版` },
    {
      key: 'time',
      title: '时间',
      className: 'nowrap',
      // two lines, so the name and the actions keep their width at 1280 px
      render: (l) => (
        <>
          <div>{formatInstant(l.startsAt).slice(0, 16)} 起</div>
          <div>{formatInstant(l.endsAt).slice(0, 16)} 止</div>
        </>
      ),
    },
  ]
  const actions = (l: LotteryView) => (
    <>
      <button className='btn btn-small' type='button' data-testid='lottery-report' onClick={() => open(l)}>
        公平性报告
      </button>
      {l.status === 'draft' && (
        <button
          className='btn btn-small'
          type='button'
          data-testid='lottery-activate'
          disabled={busy}
          onClick={() => void act(`「${l.name}」已启动`, () => api('POST', `/api/ops/lotteries/${l.id}/activate`, {}))}
        >
          启动
        </button>
      )}
      {l.status !== 'killed' && (
        <button className='btn btn-small' type='button' onClick={() => setVersionOf(l)}>
          新奖品方案
        </button>
      )}
      {l.status !== 'killed' && l.status !== 'draft' && (
        <button className='btn btn-small' type='button' data-testid='lottery-kill' onClick={() => kill(l)}>
          紧急停止
        </button>
      )}
    </>
  )

  return (
    <>
      <Panel title='新建抽奖' testId='lottery-form-panel'>
        <LotteryForm
          key={formKey}
          mode='create'
          initial={emptyLotteryForm()}
          templates={templateItems}
          gifts={giftItems}
          busy={busy}
          onSubmit={(f) => {
            const built = parseLottery(f)
            if (!built.ok) return setMessage({ ok: false, text: built.text })
            void act(
              '已保存为草稿，点“启动”后会员可抽',
              () => api('POST', '/api/ops/lotteries', built.input),
              () => setFormKey((k) => k + 1),
            )
          }}
        />
        {message && (
          <div className={message.ok ? 'notice success' : 'form-error'} data-testid='lottery-message' role='status'>
            {message.text}
          </div>
        )}
      </Panel>

      {versionOf && (
        <Panel title={`「${versionOf.name}」新奖品方案`} testId='lottery-version-panel'>
          <p className='muted'>
            已保存的方案不可修改；新方案从所填时间起生效，各奖品库存按编号累计（已中出的不会再次发放）。
          </p>
          <LotteryForm
            mode='version'
            initial={formFromVersion(versionOf.versions.at(-1)!)}
            templates={templateItems}
            gifts={giftItems}
            busy={busy}
            onCancel={() => setVersionOf(null)}
            onSubmit={(f) => {
              const built = parseVersion(f)
              if (!built.ok) return setMessage({ ok: false, text: built.text })
              void act(
                '新方案已保存',
                () => api('POST', `/api/ops/lotteries/${versionOf.id}/versions`, built.input),
                () => setVersionOf(null),
              )
            }}
          />
        </Panel>
      )}

      <Panel title='抽奖活动' testId='lottery-list'>
        <DataTable
          columns={columns}
          rows={list.data?.items}
          rowKey={(l) => l.id}
          loading={list.status === 'loading'}
          error={list.status === 'error' ? list.error : undefined}
          onRetry={reload}
          emptyText='还没有抽奖活动'
          actions={actions}
          rowTestId='lottery-row'
        />
      </Panel>

      {detail && <LotteryDetail {...detail} />}
    </>
  )
}

function LotteryDetail({
  lottery,
  report,
  draws,
}: {
  lottery: LotteryView
  report: LotteryReportView
  draws: LotteryAuditRow[]
}) {
  type Line = LotteryReportView['versions'][number]['prizes'][number]
  const lineColumns: Column<Line>[] = [
    { key: 'name', title: '奖品', render: (p) => `${p.name}（${p.prizeId}）` },
    { key: 'configured', title: '配置概率', numeric: true, render: (p) => ppmToPercent(p.probabilityPpm) },
    { key: 'expected', title: '期望次数', numeric: true, render: (p) => p.expected.toFixed(1) },
    { key: 'observed', title: '实际抽中', numeric: true },
    { key: 'observedPpm', title: '实际占比', numeric: true, render: (p) => ppmToPercent(p.observedPpm) },
    { key: 'won', title: '已发出（全部方案）', numeric: true },
  ]
  // A prize by its name as the draw's version configured it (the id alongside, as in the report above).
  const names = new Map(report.versions.flatMap((v) => v.prizes.map((p) => [`${v.version}:${p.prizeId}`, p.name])))
  const prizeText = (version: number, id: string) => {
    const name = names.get(`${version}:${id}`)
    return name ? `${name}（${id}）` : id
  }
  const drawColumns: Column<LotteryAuditRow>[] = [
    { key: 'at', title: '时间', className: 'nowrap', render: (d) => formatInstant(d.at) },
    { key: 'memberId', title: '会员号', className: 'mono' },
    { key: 'version', title: '方案', numeric: true },
    { key: 'rng', title: '随机数（0–999999）', numeric: true, className: 'mono' },
    { key: 'pickedPrizeId', title: '抽中', render: (d) => prizeText(d.version, d.pickedPrizeId) },
    {
      key: 'prizeId',
      title: '发放',
      render: (d) => {
        if (!d.prizeId) return '处理中'
        const given = prizeText(d.version, d.prizeId)
        return d.fallback ? `${given} · ${FALLBACK_LABELS[d.fallback]}` : given
      },
    },
  ]
  return (
    <>
      <Panel title={`「${lottery.name}」公平性报告`} testId='lottery-fairness'>
        <p className='muted'>
          {'按每次抽奖留存的随机数重新计算“抽中”的奖品（库存或预算兜底之前），与配置概率做卡方拟合优度检验。'}
          {`p 值越小，偏差越不可能是随机波动；p < ${SUSPICIOUS_P} 时请核查。`}
        </p>
        {report.versions.map((v) => (
          <div key={v.version} className='lottery-report-version' data-testid='lottery-report-version'>
            <h3>
              第 {v.version} 版（{formatInstant(v.effectiveFrom).slice(0, 16)} 起）· 共 {v.draws} 次
            </h3>
            <DataTable columns={lineColumns} rows={v.prizes} rowKey={(p) => p.prizeId} dense />
            <div className='notice' data-testid='lottery-chi-square'>
              {v.test ? (
                <>
                  χ² = {v.test.statistic.toFixed(3)}，自由度 {v.test.degreesOfFreedom}，p = {v.test.pValue.toFixed(4)}：
                  {v.test.pValue < SUSPICIOUS_P ? '偏差显著，请核查抽奖配置与随机数来源' : '未发现偏离配置概率的迹象'}
                </>
              ) : (
                '抽奖次数或可中奖项不足，暂无法检验'
              )}
              {v.impossible > 0 && (
                <span className='form-error inline'> 有 {v.impossible} 次抽中了概率为 0 的奖品</span>
              )}
            </div>
          </div>
        ))}
      </Panel>
      <Panel title='抽奖记录（最近 200 次）' testId='lottery-audit'>
        <DataTable columns={drawColumns} rows={draws} rowKey={(d) => d.id} dense emptyText='还没有人抽奖' />
      </Panel>
    </>
  )
}
