import { useState } from 'react'
import { ConfigHistoryPanel, type FieldFormat } from '../components/ConfigHistory'
import { formatInstant } from '../format'
import { CouponTemplateForm } from './CouponTemplateForm'
import { CouponTemplateList } from './CouponTemplateList'

/** How a template's versions read in its history. */
const HISTORY_FIELDS: FieldFormat = {
  status: { label: '状态', show: (v) => (v === 'active' ? '发放中' : '已暂停') },
  name: { label: '名称' },
  stock: { label: '库存', show: (v) => (v === null ? '不限量' : `${String(v)} 张`) },
  claimEnd: { label: '领取结束', show: (v) => formatInstant(String(v)).slice(0, 16) },
}

/** 优惠券模板: the list of every template with its figures and actions, and the form for a new one. */
export function CouponsPage() {
  const [changes, setChanges] = useState(0)
  const [historyId, setHistoryId] = useState<string | null>(null)
  return (
    <div className='page'>
      <CouponTemplateList reloadKey={changes} onChanged={() => setChanges((n) => n + 1)} onHistory={setHistoryId} />
      {historyId && (
        <ConfigHistoryPanel
          title={`模板 ${historyId} 修改历史`}
          path={`/api/ops/coupon-templates/${encodeURIComponent(historyId)}`}
          fields={HISTORY_FIELDS}
          reloadKey={changes}
          onClose={() => setHistoryId(null)}
        />
      )}
      <CouponTemplateForm onCreated={() => setChanges((n) => n + 1)} />
    </div>
  )
}
