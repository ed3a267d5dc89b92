import { useState, type FormEvent, type ReactNode } from 'react'
import { memberTag, type MemberDetail, type PersonalField } from '@mall/shared'
import { api, errorText } from '../api'
import { fenToYuan, formatInstant } from '../format'
import { ErrorBox, Loading, Panel, useAsync } from '../ui'
import { MemberActions } from './MemberActions'
import { RevealableField } from './member-reveal'
import { MemberDeletionTag } from './member-deletion'
import { TABS, type TabKey } from './MemberTabs'
import { CHANNELS, LifecycleTag } from './member-common'

export function MemberDetailView({ memberId }: { memberId: string }) {
  const [state, reload] = useAsync(
    () => api<MemberDetail>('GET', `/api/ops/members/${encodeURIComponent(memberId)}`),
    [memberId],
  )
  const [tab, setTab] = useState<TabKey>('ledger')
  const m = state.data
  const Active = TABS.find((t) => t.key === tab)!.Tab
  return (
    <div className='page' data-testid='member-detail'>
      <div className='toolbar'>
        <a className='btn btn-small' href='#/members' data-testid='member-back'>
          ← 返回会员列表
        </a>
      </div>
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={reload} />}
      {!m && state.status === 'loading' && <Loading />}
      {m && (
        <>
          <Panel
            title={
              <span>
                {m.nickname} <small className='muted mono'>{m.memberId}</small>{' '}
                <MemberDeletionTag memberId={m.memberId} />
              </span>
            }
            testId='member-profile'
          >
            <div className='profile-grid'>
              <Info label='等级'>
                {m.tier.name}（{m.tier.level}）
              </Info>
              <Info label='积分余额'>
                <span data-testid='member-balance'>{m.wallet.balance.toLocaleString('zh-CN')}</span>
                {m.wallet.debt > 0 && <small className='field-error'> 欠 {m.wallet.debt}</small>}
              </Info>
              <Info label='昵称'>
                <PersonalValue member={m} field='nickname' masked={m.nickname} emptyText='未填写' />
              </Info>
              <Info label='手机'>
                <PersonalValue member={m} field='phone' masked={m.phoneMasked} emptyText='未绑定' />
              </Info>
              <Info label='入会时间'>{formatInstant(m.joinedAt).slice(0, 16)}</Info>
              <Info label='来源'>
                {CHANNELS[m.channel] ?? m.channel}
                {m.inviterId && (
                  <>
                    {' '}
                    · 邀请人 <a href={`#/members/${m.inviterId}`}>{m.inviterId}</a>
                  </>
                )}
              </Info>
              <Info label='累计消费'>
                ¥{fenToYuan(m.lifetimeSpendFen)}（{m.insight.purchasesTotal} 笔）
              </Info>
              <Info label='累计获得 / 使用 / 过期积分'>
                {m.wallet.lifetimeEarned} / {m.wallet.lifetimeSpent} / {m.wallet.lifetimeExpired}
              </Info>
              <Info label='生日'>
                <PersonalValue member={m} field='birthday' masked={m.birthdayMasked} emptyText='未填写' />
              </Info>
            </div>
          </Panel>
          <MemberActions memberId={memberId} erased={m.erased} onChanged={reload} />
          <div className='insight-grid'>
            <InsightCard title='RFM 评分' testId='card-rfm' definition={m.definitions.rfm}>
              <div className='rfm-scores'>
                <Score
                  letter='R'
                  value={m.insight.rfm.r}
                  detail={m.insight.rfm.recencyDays === null ? '从未消费' : `${m.insight.rfm.recencyDays} 天前消费`}
                />
                <Score letter='F' value={m.insight.rfm.f} detail={`近一年 ${m.insight.rfm.frequency} 次`} />
                <Score letter='M' value={m.insight.rfm.m} detail={`近一年 ¥${fenToYuan(m.insight.rfm.monetaryFen)}`} />
              </div>
            </InsightCard>
            <InsightCard
              title='生命周期'
              testId='card-lifecycle'
              definition={m.definitions.lifecycle[m.insight.lifecycle]}
            >
              <div className='big-tag'>
                <LifecycleTag stage={m.insight.lifecycle} />
              </div>
              <small className='muted'>
                {m.insight.lastPurchaseAt
                  ? `最近消费 ${formatInstant(m.insight.lastPurchaseAt).slice(0, 10)}`
                  : '尚无消费'}
                {m.insight.firstPurchaseAt && ` · 首次消费 ${formatInstant(m.insight.firstPurchaseAt).slice(0, 10)}`}
              </small>
            </InsightCard>
            <InsightCard title='流失风险' testId='card-churn' definition={m.definitions.churn}>
              <div className='big-tag'>
                {m.insight.churn.atRisk ? (
                  <span className='tag paused'>有流失风险</span>
                ) : (
                  <span className='tag active'>正常</span>
                )}
              </div>
              <small className='muted'>
                {m.insight.churn.basis === 'none'
                  ? '从未消费，不判断'
                  : `距上次消费 ${m.insight.churn.daysSinceLastPurchase} 天，` +
                    `阈值 ${m.insight.churn.thresholdDays} 天（` +
                    (m.insight.churn.basis === 'personal'
                      ? `本人中位间隔 ${m.insight.churn.medianIntervalDays} 天`
                      : '统一阈值') +
                    '）'}
              </small>
            </InsightCard>
            <TagsCard memberId={m.memberId} tags={m.tags} onChange={reload} />
          </div>
          <Panel title='明细'>
            <div className='tabs' role='tablist'>
              {TABS.map((t) => (
                <button
                  key={t.key}
                  type='button'
                  role='tab'
                  aria-selected={tab === t.key}
                  data-testid={`member-tab-${t.key}`}
                  className={tab === t.key ? 'tab active' : 'tab'}
                  onClick={() => setTab(t.key)}
                >
                  {t.label}
                </button>
              ))}
            </div>
            <Active memberId={m.memberId} />
          </Panel>
        </>
      )}
    </div>
  )
}

function Info({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className='info'>
      <span className='muted'>{label}</span>
      <div>{children}</div>
    </div>
  )
}

function InsightCard({
  title,
  definition,
  testId,
  children,
}: {
  title: string
  definition: string
  testId: string
  children: ReactNode
}) {
  return (
    <section className='metric-card insight-card' data-testid={testId}>
      <div className='metric-label'>{title}</div>
      <div className='insight-body'>{children}</div>
      <p className='definition'>口径：{definition}</p>
    </section>
  )
}

function Score({ letter, value, detail }: { letter: string; value: number; detail: string }) {
  return (
    <div className='score' data-testid={`rfm-${letter.toLowerCase()}`}>
      <div className='score-value'>
        {letter}
        {value}
      </div>
      <small className='muted'>{detail}</small>
    </div>
  )
}

function TagsCard({ memberId, tags, onChange }: { memberId: string; tags: string[]; onChange: () => void }) {
  const [draft, setDraft] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const send = async (body: { add?: string[]; remove?: string[] }) => {
    setBusy(true)
    setError(null)
    try {
      await api('POST', `/api/ops/members/${encodeURIComponent(memberId)}/tags`, body)
      setDraft('')
      onChange()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const add = (e: FormEvent) => {
    e.preventDefault()
    const parsed = memberTag.safeParse(draft)
    if (!parsed.success) return setError('标签为 1–20 个字：中文、字母、数字、空格、_ - ·')
    if (tags.includes(parsed.data)) return setError('已有该标签')
    void send({ add: [parsed.data] })
  }
  return (
    <section className='metric-card insight-card' data-testid='card-tags'>
      <div className='metric-label'>标签</div>
      <div className='insight-body chips'>
        {tags.length === 0 && <span className='muted'>暂无标签</span>}
        {tags.map((t) => (
          <span className='tag chip' key={t} data-testid='member-tag'>
            {t}
            <button
              type='button'
              className='chip-x'
              aria-label={`删除标签 ${t}`}
              disabled={busy}
              onClick={() => send({ remove: [t] })}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <form className='inline-row' onSubmit={add}>
        <input
          data-testid='member-tag-input'
          value={draft}
          maxLength={20}
          placeholder='新标签，如 亲子'
          onChange={(e) => setDraft(e.target.value)}
        />
        <button className='btn btn-small' type='submit' data-testid='member-tag-add' disabled={busy || !draft.trim()}>
          添加
        </button>
      </form>
      {error && <div className='form-error'>{error}</div>}
      <p className='definition'>运营手动添加的标签，可用于人群分群（标签含任一）。</p>
    </section>
  )
}

/** A masked personal field with 查看, or, for an erased account, the masked stand-in alone: nothing is left to see. */
function PersonalValue({
  member,
  field,
  masked,
  emptyText,
}: {
  member: MemberDetail
  field: PersonalField
  masked: string | null
  emptyText: string
}) {
  if (member.erased)
    return <span data-testid={`erased-${field}`}>{masked ?? <span className='muted'>{emptyText}</span>}</span>
  return <RevealableField memberId={member.memberId} field={field} masked={masked} emptyText={emptyText} />
}
