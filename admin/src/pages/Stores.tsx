import { storeCreateRequest, storeUpdateRequest, type StoreView } from '@mall/shared'
import { api } from '../api'
import { ConfigHistoryPanel, type FieldFormat } from '../components/ConfigHistory'
import { ConfigFormPanel, contractProblems, ListPanel, RowActions, useConfigForm } from '../config-editing'
import { useAsync } from '../ui'
import { forgetStores } from '../use-stores'

/** 门店管理: the stores, their points multiplier and opening hours, each change versioned. */

interface Form {
  id: string
  name: string
  floor: string
  category: string
  multiplier: string
  opensAt: string
  closesAt: string
  active: boolean
  logoUrl: string
  note: string
}

const emptyForm = (): Form => ({
  id: '',
  name: '',
  floor: '',
  category: '',
  multiplier: '1',
  opensAt: '10:00',
  closesAt: '22:00',
  active: true,
  logoUrl: '',
  note: '',
})

const fromStore = (s: StoreView): Form => ({
  id: s.id,
  name: s.name,
  floor: s.floor,
  category: s.category,
  multiplier: String(s.multiplierPermille / 1000),
  opensAt: s.opensAt,
  closesAt: s.closesAt,
  active: s.active,
  logoUrl: s.logoUrl ?? '',
  note: '',
})

/** "1.5" 倍 -> 1500 per-mille, exactly (at most 3 decimals); NaN when it is not such a number. */
export function multiplierToPermille(input: string): number {
  const m = /^(\d{1,2})(?:\.(\d{1,3}))?$/.exec(input.trim())
  return m ? Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0')) : Number.NaN
}
const showMultiplier = (permille: unknown) => `${Number(permille) / 1000} 倍`

const LABELS: Record<string, string> = {
  id: '门店编号',
  name: '名称',
  floor: '楼层',
  category: '业态',
  multiplierPermille: '积分倍率',
  opensAt: '开门时间',
  closesAt: '打烊时间',
  logoUrl: 'Logo 图片地址',
  note: '修改说明',
}
const HINTS: Record<string, string> = {
  id: '1–32 位字母、数字、_ 或 -',
  name: '1–40 个字',
  floor: '1–10 个字，如 L3',
  category: '1–20 个字，如 餐饮（与积分规则的品类倍率对应）',
  multiplierPermille: '0–10 之间的数，最多 3 位小数（1 = 不加倍，0 = 不积分）',
  opensAt: '请选择时间',
  closesAt: '须晚于开门时间',
  logoUrl: '以 https:// 开头的图片地址，可留空（会员端显示店名首字）',
  note: '最多 200 字',
}
const FIELDS: FieldFormat = {
  name: { label: '名称' },
  floor: { label: '楼层' },
  category: { label: '业态' },
  multiplierPermille: { label: '积分倍率', show: showMultiplier },
  opensAt: { label: '开门' },
  closesAt: { label: '打烊' },
  active: { label: '状态', show: (v) => (v ? '营业' : '停用') },
  logoUrl: { label: 'Logo', show: (v) => (v ? String(v) : '无') },
}

export function StoresPage() {
  const [list, reload] = useAsync(() => api<{ items: StoreView[] }>('GET', '/api/ops/stores'), [])
  const page = useConfigForm(emptyForm, reload)
  const { form, set, editing } = page

  const { id, multiplier, note, ...fields } = form
  const config = { ...fields, multiplierPermille: multiplierToPermille(multiplier), note: note.trim() }
  const parsed = editing
    ? storeUpdateRequest.safeParse({ ...config, version: editing.version })
    : storeCreateRequest.safeParse({ ...config, id: id.trim() })
  const problems = parsed.success ? [] : contractProblems(parsed.error.issues, LABELS, HINTS)
  const target = editing?.id ?? id.trim()
  const save = page.submit(parsed.success, target, async () => {
    const s = editing
      ? await api<StoreView>('PUT', `/api/ops/stores/${encodeURIComponent(target)}`, parsed.data)
      : await api<StoreView>('POST', '/api/ops/stores', parsed.data)
    forgetStores()
    return `已保存门店 ${s.id}「${s.name}」第 ${s.version} 版`
  })

  const text = (k: 'id' | 'name' | 'floor' | 'category' | 'logoUrl' | 'note', props: Record<string, unknown> = {}) => (
    <label className='field'>
      <span>{LABELS[k]}</span>
      <input data-testid={`store-${k}`} value={form[k]} onChange={(e) => set(k, e.target.value)} {...props} />
    </label>
  )

  return (
    <div className='page'>
      <ConfigFormPanel
        title={editing ? `编辑门店 ${editing.id}（当前第 ${editing.version} 版）` : '新建门店'}
        testPrefix='store'
        state={page}
        problems={problems}
        createLabel='新建门店'
        onSubmit={save}
      >
        {!editing && text('id', { maxLength: 32, placeholder: '如 S005' })}
        {text('name', { maxLength: 40, placeholder: '如：星巴克 Starbucks' })}
        {text('floor', { maxLength: 10, placeholder: 'L1' })}
        {text('category', { maxLength: 20, placeholder: '餐饮' })}
        <label className='field'>
          <span>积分倍率（倍）</span>
          <input
            data-testid='store-multiplier'
            inputMode='decimal'
            value={form.multiplier}
            onChange={(e) => set('multiplier', e.target.value)}
          />
          <small className='hint'>1 = 正常积分，1.5 = 1.5 倍，0 = 本店消费不积分；保存后下一笔消费即生效</small>
        </label>
        <div className='field'>
          <span>营业时间（上海时间）</span>
          <div className='inline-row'>
            <input
              type='time'
              data-testid='store-opensAt'
              value={form.opensAt}
              onChange={(e) => set('opensAt', e.target.value)}
            />
            <span>至</span>
            <input
              type='time'
              data-testid='store-closesAt'
              value={form.closesAt}
              onChange={(e) => set('closesAt', e.target.value)}
            />
          </div>
          <small className='hint'>营业时间外的消费积分会标记待核查</small>
        </div>
        <label className='field'>
          <span>状态</span>
          <label className='check'>
            <input
              type='checkbox'
              data-testid='store-active'
              checked={form.active}
              onChange={(e) => set('active', e.target.checked)}
            />
            营业中（停用后本店不能再积分）
          </label>
        </label>
        {text('logoUrl', { maxLength: 300, placeholder: 'https://…（会员端品牌导览显示）' })}
        {text('note', { maxLength: 200, placeholder: '记录在修改历史中，如：周年庆加倍' })}
      </ConfigFormPanel>

      <ListPanel
        title='门店列表'
        list={list}
        reload={reload}
        emptyText='还没有门店'
        columns={[
          { key: 'id', title: '编号', className: 'mono' },
          { key: 'name', title: '名称' },
          { key: 'floor', title: '楼层' },
          { key: 'category', title: '业态' },
          {
            key: 'multiplier',
            title: '积分倍率',
            numeric: true,
            render: (s) => <span data-testid='store-multiplier-cell'>{showMultiplier(s.multiplierPermille)}</span>,
          },
          { key: 'hours', title: '营业时间', className: 'nowrap', render: (s) => `${s.opensAt}–${s.closesAt}` },
          {
            key: 'active',
            title: '状态',
            render: (s) => (
              <span className={`tag ${s.active ? 'active' : 'paused'}`}>{s.active ? '营业中' : '已停用'}</span>
            ),
          },
          { key: 'version', title: '版本', numeric: true },
        ]}
        rowKey={(s) => s.id}
        rowTestId={(s) => `store-row-${s.id}`}
        selected={(s) => editing?.id === s.id}
        actions={(s) => (
          <RowActions
            testPrefix='store'
            onEdit={() => page.edit(s.id, s.version, fromStore(s))}
            onHistory={() => page.setHistoryId(s.id)}
          />
        )}
      />

      {page.historyId && (
        <ConfigHistoryPanel
          title={`门店 ${page.historyId} 修改历史`}
          path={`/api/ops/stores/${encodeURIComponent(page.historyId)}`}
          fields={FIELDS}
          reloadKey={page.saves}
          onClose={() => page.setHistoryId(null)}
        />
      )}
    </div>
  )
}
