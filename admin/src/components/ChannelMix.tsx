import type { ChannelMix as ChannelMixReport } from '@mall/shared'
import { api, qs } from '../api'
import { fenToYuanFixed, formatNumber } from '../format'
import { DataTable } from './DataTable'
import { Empty, Panel, useAsync } from '../ui'

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0)

/**
 * The dashboard's channel mix: where the period's purchases (and their points) came in — 门店扫码,
 * 微信支付, 小票拍照, 服务台补登 — with each channel's share of sales drawn as a bar. Honours the store filter.
 */
export function ChannelMix({ from, to, storeId }: { from: string; to: string; storeId: string }) {
  const [state, reload] = useAsync(
    () => api<ChannelMixReport>('GET', `/api/ops/channel-mix${qs({ from, to, storeId: storeId || undefined })}`),
    [from, to, storeId],
  )
  const report = state.data
  return (
    <Panel title='积分渠道构成' testId='channel-mix'>
      <p className='definition'>
        口径：统计区间内已积分的消费（已撤销、退款冲回的不计），按会员积分的渠道分：销售额、笔数与发放积分；占比按销售额。
      </p>
      {report && report.totals.purchases === 0 ? (
        <Empty text='该时段没有积分消费' />
      ) : (
        <DataTable
          testId='channel-mix-table'
          rowTestId='channel-mix-row'
          rows={report?.rows}
          loading={state.status === 'loading'}
          error={state.status === 'error' ? state.error : undefined}
          onRetry={reload}
          rowKey={(r) => r.channel}
          rowProps={(r) => ({ 'data-channel': r.channel })}
          columns={[
            { key: 'label', title: '渠道', width: '9em' },
            {
              key: 'share',
              title: '销售额占比',
              render: (r) => {
                const pct = share(r.salesFen, report!.totals.salesFen)
                return (
                  <div className='share-bar' title={`${pct}%`}>
                    <span className='share-bar-fill' style={{ width: `${pct}%` }} />
                    <span className='share-bar-text'>{pct}%</span>
                  </div>
                )
              },
            },
            { key: 'sales', title: '销售额（元）', numeric: true, render: (r) => fenToYuanFixed(r.salesFen) },
            { key: 'purchases', title: '笔数', numeric: true, render: (r) => formatNumber(r.purchases) },
            { key: 'points', title: '发放积分', numeric: true, render: (r) => formatNumber(r.points) },
          ]}
        />
      )}
    </Panel>
  )
}
