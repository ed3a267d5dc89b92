import { useEffect, useState } from 'react'
import {
  homeContentUpdateRequest,
  shanghaiDay,
  type HomeAnnouncement,
  type HomeBanner,
  type HomeContentView,
  type HomeEvent,
} from '@mall/shared'
import { api, errorText } from '../api'
import { ConfigHistoryPanel, type FieldFormat } from '../components/ConfigHistory'
import { ErrorBox, Loading, Panel, useAsync } from '../ui'

/**
 * 首页内容: what the member app's home page shows (banners, mall announcements, events), saved as one
 * versioned document: a save says which version it started from, so two operators never overwrite
 * each other; every version is in the history. The store directory comes from 门店管理.
 */

type Lists = Pick<HomeContentView, 'banners' | 'announcements' | 'events'>
type ListKey = keyof Lists

const LINKS: { value: string; label: string }[] = [
  { value: '', label: '不跳转' },
  { value: '/pages/coupons/index', label: '领券中心' },
  { value: '/pages/checkin/index', label: '每日签到' },
  { value: '/pages/invite/index', label: '邀请有礼' },
  { value: '/pages/wallet/index', label: '积分明细' },
  { value: '/pages/mall/index', label: '积分商城' },
  { value: '/pages/card/index', label: '会员码' },
]
const LABELS: Record<ListKey, string> = { banners: '轮播图', announcements: '商场公告', events: '精彩活动' }
const FIELDS: FieldFormat = {
  banners: { label: '轮播图', show: (v) => `${(v as unknown[]).length} 条` },
  announcements: { label: '公告', show: (v) => `${(v as unknown[]).length} 条` },
  events: { label: '活动', show: (v) => `${(v as unknown[]).length} 条` },
}

/** one item of a list, set apart from the next */
const GROUP = { borderTop: '1px solid #e5e7eb', paddingTop: 12, marginBottom: 16 }

const today = () => shanghaiDay(new Date())
const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}`
const BLANK: { [K in ListKey]: () => Lists[K][number] } = {
  banners: (): HomeBanner => ({ id: newId('b'), title: '', subtitle: '', imageUrl: '', link: '' }),
  announcements: (): HomeAnnouncement => ({ id: newId('a'), title: '', body: '', publishedOn: today() }),
  events: (): HomeEvent => ({ id: newId('e'), title: '', place: '', summary: '', startsOn: today(), endsOn: today() }),
}

/** "轮播图第 1 条：标题不能为空" for each problem the shared contract finds (its messages are Chinese). */
function problemsOf(issues: { path: PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => {
    const [list, index] = i.path
    const where = LABELS[list as ListKey] ?? String(list)
    const message = /Too small|too_small|>=1/.test(i.message) ? '不能为空' : i.message
    return typeof index === 'number' ? `${where}第 ${index + 1} 条：${message}` : `${where}：${message}`
  })
}

export function HomeContentPage() {
  const [loaded, reload] = useAsync(() => api<HomeContentView>('GET', '/api/ops/home-content'), [])
  const [lists, setLists] = useState<Lists | null>(null)
  const [note, setNote] = useState('')
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [saves, setSaves] = useState(0)

  useEffect(() => {
    if (loaded.data) setLists({ ...loaded.data })
  }, [loaded.data])

  if (!lists) return loaded.status === 'error' ? <ErrorBox error={loaded.error} onRetry={reload} /> : <Loading />
  const version = loaded.data?.version ?? 0
  const parsed = homeContentUpdateRequest.safeParse({ ...lists, version, note })
  const problems = parsed.success ? [] : problemsOf(parsed.error.issues)

  const edit = <K extends ListKey>(key: K, index: number, patch: Partial<Lists[K][number]>) =>
    setLists({ ...lists, [key]: lists[key].map((row, i) => (i === index ? { ...row, ...patch } : row)) })
  const add = (key: ListKey) => setLists({ ...lists, [key]: [...lists[key], BLANK[key]()] })
  const remove = (key: ListKey, index: number) =>
    setLists({ ...lists, [key]: lists[key].filter((_, i) => i !== index) })

  const save = async () => {
    if (!parsed.success) return
    setBusy(true)
    setMessage(null)
    try {
      const saved = await api<HomeContentView>('PUT', '/api/ops/home-content', parsed.data)
      setMessage({ ok: true, text: `已保存第 ${saved.version} 版，会员端 15 秒内可见` })
      setNote('')
      setSaves((n) => n + 1)
      reload()
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) })
    } finally {
      setBusy(false)
    }
  }

  const input = (value: string, onChange: (v: string) => void, props: Record<string, unknown> = {}) => (
    <input value={value} onChange={(e) => onChange(e.target.value)} {...props} />
  )
  const rowHead = (key: ListKey, i: number) => (
    <div className='inline-row'>
      <strong>第 {i + 1} 条</strong>
      <button type='button' className='btn btn-small' data-testid={`${key}-remove-${i}`} onClick={() => remove(key, i)}>
        删除
      </button>
    </div>
  )
  const addButton = (key: ListKey) => (
    <button type='button' className='btn btn-small' data-testid={`${key}-add`} onClick={() => add(key)}>
      添加{LABELS[key]}
    </button>
  )

  return (
    <div className='page'>
      <Panel title={`首页内容（当前第 ${version} 版）`} testId='home-content'>
        <h3>{LABELS.banners}</h3>
        {lists.banners.map((b, i) => (
          <div key={b.id} style={GROUP} data-testid={`banner-${i}`}>
            {rowHead('banners', i)}
            <label className='field'>
              <span>标题</span>
              {input(b.title, (v) => edit('banners', i, { title: v }), {
                maxLength: 24,
                placeholder: '周末会员日 积分双倍',
              })}
            </label>
            <label className='field'>
              <span>副标题</span>
              {input(b.subtitle, (v) => edit('banners', i, { subtitle: v }), { maxLength: 40 })}
            </label>
            <label className='field'>
              <span>图片地址（可空，https）</span>
              {input(b.imageUrl, (v) => edit('banners', i, { imageUrl: v }), { placeholder: 'https://…' })}
            </label>
            <label className='field'>
              <span>点击打开</span>
              <select value={b.link} onChange={(e) => edit('banners', i, { link: e.target.value })}>
                {LINKS.map((l) => (
                  <option key={l.value} value={l.value}>
                    {l.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
        ))}
        {addButton('banners')}

        <h3>{LABELS.announcements}</h3>
        {lists.announcements.map((a, i) => (
          <div key={a.id} style={GROUP} data-testid={`announcement-${i}`}>
            {rowHead('announcements', i)}
            <label className='field'>
              <span>标题</span>
              {input(a.title, (v) => edit('announcements', i, { title: v }), { maxLength: 40 })}
            </label>
            <label className='field'>
              <span>正文（可空）</span>
              <textarea
                value={a.body}
                maxLength={300}
                onChange={(e) => edit('announcements', i, { body: e.target.value })}
              />
            </label>
            <label className='field'>
              <span>发布日期</span>
              {input(a.publishedOn, (v) => edit('announcements', i, { publishedOn: v }), { type: 'date' })}
            </label>
          </div>
        ))}
        {addButton('announcements')}

        <h3>{LABELS.events}</h3>
        {lists.events.map((e, i) => (
          <div key={e.id} style={GROUP} data-testid={`event-${i}`}>
            {rowHead('events', i)}
            <label className='field'>
              <span>活动名称</span>
              {input(e.title, (v) => edit('events', i, { title: v }), { maxLength: 30 })}
            </label>
            <label className='field'>
              <span>地点</span>
              {input(e.place, (v) => edit('events', i, { place: v }), { maxLength: 30, placeholder: '1F 中庭' })}
            </label>
            <label className='field'>
              <span>简介</span>
              {input(e.summary, (v) => edit('events', i, { summary: v }), { maxLength: 120 })}
            </label>
            <div className='field'>
              <span>日期（结束后会员端自动隐藏）</span>
              <div className='inline-row'>
                {input(e.startsOn, (v) => edit('events', i, { startsOn: v }), { type: 'date' })}
                <span>至</span>
                {input(e.endsOn, (v) => edit('events', i, { endsOn: v }), { type: 'date' })}
              </div>
            </div>
          </div>
        ))}
        {addButton('events')}

        <label className='field'>
          <span>修改说明</span>
          {input(note, setNote, {
            maxLength: 200,
            placeholder: '记录在修改历史中，如：圣诞活动上线',
            'data-testid': 'home-note',
          })}
        </label>
        {problems.length > 0 && (
          <ul className='form-error' data-testid='home-problems'>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {message && (
          <p className={message.ok ? 'notice success' : 'form-error'} data-testid='home-message'>
            {message.text}
          </p>
        )}
        <button
          type='button'
          className='btn btn-primary'
          data-testid='home-save'
          disabled={busy || !parsed.success}
          onClick={() => void save()}
        >
          保存并发布
        </button>
      </Panel>
      <ConfigHistoryPanel title='首页内容修改历史' path='/api/ops/home-content' fields={FIELDS} reloadKey={saves} />
    </div>
  )
}
