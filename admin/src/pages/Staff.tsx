import {
  staffCreateRequest,
  staffRoles,
  staffUpdateRequest,
  type StaffAccountView,
  type StaffRole,
  type StoreView,
} from '@mall/shared'
import { api, loadSession } from '../api'
import { ConfigHistoryPanel, type FieldFormat } from '../components/ConfigHistory'
import { ConfigFormPanel, contractProblems, ListPanel, ROLE_NAMES, RowActions, useConfigForm } from '../config-editing'
import { formatInstant } from '../format'
import { useAsync } from '../ui'
import { forgetStaffNames } from '../staff-names'

/** 员工账号: staff accounts (role, store, status, password reset), each change versioned. */

interface Form {
  username: string
  displayName: string
  role: StaffRole
  storeId: string
  password: string
  active: boolean
  note: string
}

const emptyForm = (): Form => ({
  username: '',
  displayName: '',
  role: 'clerk',
  storeId: '',
  password: '',
  active: true,
  note: '',
})

const LABELS: Record<string, string> = {
  username: '登录名',
  displayName: '姓名',
  role: '角色',
  storeId: '所属门店',
  password: '密码',
  note: '修改说明',
}
// No hint for the password: the policy's own reason (too short, one kind of character, repeated, too common) shows.
const PASSWORD_HINT =
  '至少 10 个字符，含字母、数字、空格或符号中的两类，不能是常见密码；只保存加密摘要，修改历史中只记录“设置了新密码”'
const HINTS: Record<string, string> = {
  username: '2–64 位字母、数字、_ . -',
  displayName: '1–40 个字',
  role: '请选择角色',
  storeId: '店员和店长须选择门店，运营账号不属于门店',
  note: '最多 200 字',
}
const FIELDS: FieldFormat = {
  displayName: { label: '姓名' },
  role: { label: '角色', show: (v) => ROLE_NAMES[String(v)] ?? String(v) },
  storeId: { label: '门店', show: (v) => (v === null || v === undefined ? '无' : String(v)) },
  active: { label: '状态', show: (v) => (v ? '启用' : '停用') },
  passwordChanged: { label: '设置了新密码' },
}

function statusOf(s: StaffAccountView): { text: string; className: string } {
  if (!s.active) return { text: '已停用', className: 'paused' }
  if (s.lockedUntil && Date.parse(s.lockedUntil) > Date.now())
    return { text: `锁定至 ${formatInstant(s.lockedUntil).slice(11, 16)}`, className: 'paused' }
  return { text: '启用', className: 'active' }
}

export function StaffPage() {
  const [list, reload] = useAsync(() => api<{ items: StaffAccountView[] }>('GET', '/api/ops/staff'), [])
  const [stores] = useAsync(() => api<{ items: StoreView[] }>('GET', '/api/ops/stores'), [])
  const page = useConfigForm(emptyForm, reload)
  const { form, set, editing } = page
  const me = loadSession()?.staff.username ?? ''
  const editingSelf = editing?.id === me

  const common = {
    displayName: form.displayName,
    role: form.role,
    storeId: form.role === 'operator' ? null : form.storeId || null,
    note: form.note.trim(),
  }
  const parsed = editing
    ? staffUpdateRequest.safeParse({
        ...common,
        active: form.active,
        version: editing.version,
        ...(form.password ? { password: form.password } : {}),
      })
    : staffCreateRequest.safeParse({ ...common, username: form.username.trim(), password: form.password })
  const problems = parsed.success ? [] : contractProblems(parsed.error.issues, LABELS, HINTS)
  const target = editing?.id ?? form.username.trim().toLowerCase()
  const save = page.submit(parsed.success, target, async () => {
    const s = editing
      ? await api<StaffAccountView>('PUT', `/api/ops/staff/${encodeURIComponent(target)}`, parsed.data)
      : await api<StaffAccountView>('POST', '/api/ops/staff', parsed.data)
    forgetStaffNames()
    return `已保存账号 ${s.username}（${s.displayName}）第 ${s.version} 版`
  })
  const storeName = (id: string | null) => (id ? (stores.data?.items.find((s) => s.id === id)?.name ?? id) : '—')
  const fromAccount = (s: StaffAccountView): Form => ({
    username: s.username,
    displayName: s.displayName,
    role: s.role,
    storeId: s.storeId ?? '',
    password: '',
    active: s.active,
    note: '',
  })

  return (
    <div className='page'>
      <ConfigFormPanel
        title={editing ? `编辑账号 ${editing.id}（当前第 ${editing.version} 版）` : '新建员工账号'}
        testPrefix='staff'
        state={page}
        problems={problems}
        createLabel='新建账号'
        onSubmit={save}
      >
        {!editing && (
          <label className='field'>
            <span>登录名</span>
            <input
              data-testid='staff-username'
              value={form.username}
              maxLength={64}
              autoComplete='off'
              placeholder='如 s001-zhang'
              onChange={(e) => set('username', e.target.value)}
            />
          </label>
        )}
        <label className='field'>
          <span>姓名</span>
          <input
            data-testid='staff-displayName'
            value={form.displayName}
            maxLength={40}
            onChange={(e) => set('displayName', e.target.value)}
          />
        </label>
        <label className='field'>
          <span>角色</span>
          <select
            data-testid='staff-role'
            value={form.role}
            disabled={editingSelf}
            onChange={(e) => set('role', e.target.value as StaffRole)}
          >
            {staffRoles.map((r) => (
              <option key={r} value={r}>
                {ROLE_NAMES[r]}
              </option>
            ))}
          </select>
          {editingSelf && <small className='hint'>不能修改自己的角色</small>}
        </label>
        <label className='field'>
          <span>所属门店</span>
          <select
            data-testid='staff-store'
            value={form.role === 'operator' ? '' : form.storeId}
            disabled={form.role === 'operator'}
            onChange={(e) => set('storeId', e.target.value)}
          >
            <option value=''>{form.role === 'operator' ? '运营账号不属于门店' : '请选择门店'}</option>
            {(stores.data?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.id} {s.name}
                {s.active ? '' : '（已停用）'}
              </option>
            ))}
          </select>
        </label>
        <label className='field'>
          <span>{editing ? '重置密码' : '初始密码'}</span>
          <input
            data-testid='staff-password'
            type='password'
            autoComplete='new-password'
            value={form.password}
            onChange={(e) => set('password', e.target.value)}
            placeholder={editing ? '留空则不修改' : '至少 10 个字符'}
          />
          <small className='hint'>{PASSWORD_HINT}</small>
        </label>
        {editing && (
          <label className='field'>
            <span>状态</span>
            <label className='check'>
              <input
                type='checkbox'
                data-testid='staff-active'
                checked={form.active}
                disabled={editingSelf}
                onChange={(e) => set('active', e.target.checked)}
              />
              启用（停用后不能登录，已登录的会话在刷新时失效）
            </label>
          </label>
        )}
        <label className='field'>
          <span>修改说明</span>
          <input
            data-testid='staff-note'
            value={form.note}
            maxLength={200}
            placeholder='记录在修改历史中'
            onChange={(e) => set('note', e.target.value)}
          />
        </label>
      </ConfigFormPanel>

      <ListPanel
        title='员工账号'
        list={list}
        reload={reload}
        emptyText='还没有员工账号'
        columns={[
          {
            key: 'username',
            title: '登录名',
            className: 'mono',
            render: (s) => (
              <>
                {s.username}
                {s.username === me && <small className='muted'>（我）</small>}
              </>
            ),
          },
          { key: 'displayName', title: '姓名' },
          { key: 'role', title: '角色', render: (s) => ROLE_NAMES[s.role] ?? s.role },
          { key: 'storeId', title: '门店', render: (s) => storeName(s.storeId) },
          {
            key: 'status',
            title: '状态',
            render: (s) => {
              const status = statusOf(s)
              return <span className={`tag ${status.className}`}>{status.text}</span>
            },
          },
          { key: 'version', title: '版本', numeric: true },
        ]}
        rowKey={(s) => s.username}
        rowTestId={(s) => `staff-row-${s.username}`}
        selected={(s) => editing?.id === s.username}
        actions={(s) => (
          <RowActions
            testPrefix='staff'
            onEdit={() => page.edit(s.username, s.version, fromAccount(s))}
            onHistory={() => page.setHistoryId(s.username)}
          />
        )}
      />

      {page.historyId && (
        <ConfigHistoryPanel
          title={`账号 ${page.historyId} 修改历史`}
          path={`/api/ops/staff/${encodeURIComponent(page.historyId)}`}
          fields={FIELDS}
          reloadKey={page.saves}
          onClose={() => page.setHistoryId(null)}
        />
      )}
    </div>
  )
}
