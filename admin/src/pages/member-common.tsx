import { DEFAULT_TIERS, LIFECYCLE_LABELS, type LifecycleStage, type TierDefinition } from '@mall/shared'
import { api } from '../api'
import { useAsync } from '../ui'

/** What the member pages share: the lifecycle tag, sign-up channels, the tiers' names, paged answers. */
export interface Paged<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

export const CHANNELS: Record<string, string> = {
  wechat: '微信',
  dev: '体验登录',
  invite: '好友邀请',
  load: '批量导入',
}

export function LifecycleTag({ stage }: { stage: LifecycleStage }) {
  return <span className={`tag lifecycle-${stage}`}>{LIFECYCLE_LABELS[stage]}</span>
}

export function useTiers(): TierDefinition[] {
  const [rules] = useAsync(() => api<{ tiers: TierDefinition[] }>('GET', '/api/ops/rules'), [])
  return rules.data?.tiers ?? DEFAULT_TIERS
}
export const tierName = (tiers: TierDefinition[], level: number) =>
  tiers.find((t) => t.level === level)?.name ?? `等级 ${level}`
