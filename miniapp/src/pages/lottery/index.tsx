import { useEffect, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { View, Text, Button } from '@tarojs/components'
import { ppmToPercent, shanghaiDateTime, type LotteryDrawView, type MemberLotteryView } from '@mall/shared'
import { drawLottery, fetchLotteries, fetchMyDraws } from '../../services/lottery'
import { fetchWalletSummary } from '../../services/points'
import { reportActionError } from '../../services/action-error'
import { goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { createClaimKeys } from '../../lib/claim-keys'
import { formatPoints } from '../../lib/format'
import {
  RING_POSITIONS,
  fallbackNote,
  landingCell,
  landingDelay,
  prizeHeadline,
  prizeWhere,
  ringCells,
  stepsToLand,
} from '../../lib/lottery-grid'
import RemoteState from '../../components/remote-state'
import './index.css'

const SPIN_MS = 70
const PRIZE_ICONS = { points: '积', coupon: '券', gift: '礼', none: '谢' } as const

interface Board {
  lotteries: MemberLotteryView[]
  draws: LotteryDrawView[]
  balance: number
}

async function fetchBoard(): Promise<Board> {
  const [lotteries, draws, wallet] = await Promise.all([fetchLotteries(), fetchMyDraws(), fetchWalletSummary()])
  return { lotteries, draws, balance: wallet.balance }
}

/**
 * 积分抽奖: a 九宫格 of the prizes around the draw button. A tap starts the light running and asks the
 * server to draw; the server stores the outcome first, and the light stops on it. Test hooks:
 * lottery-cell (data-active, data-prize), lottery-go, lottery-result, lottery-left, lottery-balance,
 * lottery-draw-row, lottery-empty.
 */
export default function LotteryPage() {
  const board = useRemoteData(fetchBoard)
  const [chosen, setChosen] = useState<string | null>(null)
  const [active, setActive] = useState<number | null>(null)
  const [result, setResult] = useState<LotteryDrawView | null>(null)
  const [spinning, setSpinning] = useState(false)
  const spinRef = useRef(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const keys = useRef(createClaimKeys()).current

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void board.reload()
  })
  usePullDownRefresh(() => {
    void board.reload().finally(() => Taro.stopPullDownRefresh())
  })
  useEffect(() => () => clearTimeout(timer.current ?? undefined), [])

  const b = board.data
  if (!b) {
    return (
      <View className='page lottery-page'>
        <RemoteState
          remote={board}
          errorClass='lottery-error'
          loadingClass='lottery-loading'
          loadingText='抽奖加载中…'
        />
      </View>
    )
  }
  if (b.lotteries.length === 0) {
    return (
      <View className='page lottery-page'>
        <View className='surface state-box lottery-empty'>
          <Text className='muted'>暂时没有进行中的抽奖活动，敬请期待</Text>
        </View>
        <MyDraws draws={b.draws} />
      </View>
    )
  }
  const lottery = b.lotteries.find((l) => l.id === chosen) ?? b.lotteries[0]!
  const cells = ringCells(lottery.prizes)
  const blocked =
    lottery.closedReason ??
    (lottery.drawsLeftToday <= 0 ? '今天的抽奖次数已用完' : b.balance < lottery.costPoints ? '积分不足' : null)

  /** Runs the light until `outcome` settles, then lands it on a cell of the stored prize. */
  const spin = (outcome: Promise<LotteryDrawView | null>) => {
    let at = active ?? 0
    let landing: { steps: number; done: number; draw: LotteryDrawView } | null = null
    let settled: LotteryDrawView | null | undefined
    void outcome.then((d) => (settled = d))
    const tick = () => {
      if (settled === null) {
        finish(null)
        return
      }
      if (!landing && settled) {
        const to = landingCell(cells, settled.prize.id, at)
        landing = { steps: stepsToLand(at, to), done: 0, draw: settled }
      }
      at = (at + 1) % cells.length
      setActive(at)
      if (landing && ++landing.done >= landing.steps) {
        finish(landing.draw)
        return
      }
      timer.current = setTimeout(tick, landing ? landingDelay(landing.done, landing.steps) : SPIN_MS)
    }
    timer.current = setTimeout(tick, SPIN_MS)
  }

  const finish = (draw: LotteryDrawView | null) => {
    spinRef.current = false
    setSpinning(false)
    if (draw) setResult(draw)
    void board.reload()
  }

  const onDraw = () => {
    if (spinRef.current) return
    if (blocked) {
      void Taro.showToast({ title: blocked, icon: 'none' })
      return
    }
    spinRef.current = true
    setSpinning(true)
    setResult(null)
    const key = lottery.id
    spin(
      drawLottery(lottery.id, keys.keyFor(key)).then(
        (r) => {
          keys.settle(key, null)
          return r.draw
        },
        (e: unknown) => {
          keys.settle(key, e as { status: number; code: string })
          reportActionError(e)
          return null
        },
      ),
    )
  }

  return (
    <View className='page lottery-page'>
      {b.lotteries.length > 1 ? (
        <View className='lottery-tabs'>
          {b.lotteries.map((l) => (
            <Text
              key={l.id}
              className={`lottery-tab ${l.id === lottery.id ? 'is-on' : ''}`}
              onClick={() => !spinning && setChosen(l.id)}
            >
              {l.name}
            </Text>
          ))}
        </View>
      ) : null}
      <View className='surface lottery-hero'>
        <Text className='lottery-title'>{lottery.name}</Text>
        <View className='lottery-facts'>
          <Text className='lottery-balance'>我的积分 {formatPoints(b.balance)}</Text>
          <Text className='lottery-left'>
            今日还可抽 {lottery.drawsLeftToday}/{lottery.dailyLimit} 次
          </Text>
        </View>
        <View className='lottery-grid'>
          {Array.from({ length: 9 }, (_, pos) => {
            if (pos === 4)
              return (
                <Button
                  key='go'
                  className={`lottery-go ${blocked ? 'is-disabled' : ''} ${spinning ? 'is-busy' : ''}`}
                  onClick={onDraw}
                >
                  <Text className='lottery-go__main'>{spinning ? '抽奖中' : '抽奖'}</Text>
                  <Text className='lottery-go__cost'>{formatPoints(lottery.costPoints)} 积分/次</Text>
                </Button>
              )
            const ring = RING_POSITIONS.indexOf(pos as (typeof RING_POSITIONS)[number])
            const prize = cells[ring]!
            return (
              <View
                key={pos}
                className={`lottery-cell ${active === ring ? 'is-active' : ''} ${prize.soldOut ? 'is-out' : ''}`}
                data-active={active === ring ? 'true' : 'false'}
                data-prize={prize.id}
              >
                <Text className={`lottery-cell__icon kind-${prize.kind}`}>{PRIZE_ICONS[prize.kind]}</Text>
                <Text className='lottery-cell__name'>{prize.name}</Text>
                {prize.soldOut ? <Text className='lottery-cell__out'>已抽完</Text> : null}
              </View>
            )
          })}
        </View>
        {lottery.closedReason ? <Text className='lottery-closed'>{lottery.closedReason}</Text> : null}
        {result ? (
          <View className='lottery-result' data-prize={result.prize.id}>
            <Text className='lottery-result__title'>{prizeHeadline(result)}</Text>
            {fallbackNote(result) ? <Text className='lottery-result__note'>{fallbackNote(result)}</Text> : null}
            <Text className='lottery-result__where'>{prizeWhere(result)}</Text>
          </View>
        ) : null}
      </View>

      <View className='surface lottery-odds'>
        <Text className='lottery-section-title'>奖品与中奖概率</Text>
        {lottery.prizes.map((p) => (
          <View key={p.id} className='lottery-odds__row'>
            <Text>{p.name}</Text>
            <Text className='muted'>{p.soldOut ? '已抽完' : ppmToPercent(p.probabilityPpm)}</Text>
          </View>
        ))}
        <Text className='lottery-rules muted'>
          {`每次抽奖消耗 ${formatPoints(lottery.costPoints)} 积分，每天最多 ${lottery.dailyLimit} 次。`}
          {'结果由系统随机产生并全程留存，奖品抽完后改为谢谢参与。'}
          {`活动截止 ${shanghaiDateTime(lottery.endsAt)}。`}
        </Text>
      </View>
      <MyDraws draws={b.draws} />
    </View>
  )
}

function MyDraws({ draws }: { draws: LotteryDrawView[] }) {
  return (
    <View className='surface lottery-mine'>
      <Text className='lottery-section-title'>我的抽奖记录</Text>
      {draws.length === 0 ? <Text className='muted lottery-mine__empty'>还没有抽过奖</Text> : null}
      {draws.map((d) => (
        <View key={d.id} className='lottery-draw-row'>
          <View className='lottery-draw-row__main'>
            <Text className='lottery-draw-row__prize'>{d.state === 'pending' ? '抽奖结果处理中' : d.prize.name}</Text>
            <Text className='muted lottery-draw-row__meta'>
              {d.lotteryName} · {shanghaiDateTime(d.at)}
            </Text>
          </View>
          <View className='lottery-draw-row__side'>
            <Text className='lottery-draw-row__cost'>-{formatPoints(d.costPoints)} 积分</Text>
            <Text className='muted lottery-draw-row__where'>{prizeWhere(d)}</Text>
          </View>
        </View>
      ))}
    </View>
  )
}
