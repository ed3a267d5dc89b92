import { useState, type FormEvent } from 'react'
import { REVEAL_REASON_MIN, segmentExportRequest, shanghaiDay, type SegmentView } from '@mall/shared'
import { apiFile, errorText } from '../api'
import { downloadBlob } from '../csv'
import { Panel } from '../ui'

/**
 * 导出会员 of a saved segment: a CSV file the server builds, whose first line names the operator and the time,
 * recorded in the audit log. Names, phones and birthdays come masked; in clear only with a reason, which the
 * file and the audit log both carry.
 */
export function SegmentExportPanel({ segment, onClose }: { segment: SegmentView; onClose: () => void }) {
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)

  const download = async (clear: boolean) => {
    const body = clear ? segmentExportRequest.safeParse({ reason }) : segmentExportRequest.safeParse({})
    if (!body.success)
      return setMessage({ ok: false, text: `请填写导出完整信息的原因（至少 ${REVEAL_REASON_MIN} 个字）` })
    setBusy(true)
    setMessage(null)
    try {
      const file = await apiFile(`/api/ops/segments/${encodeURIComponent(segment.id)}/export`, body.data)
      const kind = clear ? '完整信息' : '脱敏'
      downloadBlob(`分群_${segment.name}_${kind}_${shanghaiDay(new Date())}.csv`, file)
      setMessage({ ok: true, text: `已导出（${kind}），本次导出已记入审计日志` })
      setReason('')
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) })
    } finally {
      setBusy(false)
    }
  }
  const submitClear = (e: FormEvent) => {
    e.preventDefault()
    void download(true)
  }

  return (
    <Panel title={`导出会员：${segment.name}`} testId='segment-export-panel'>
      <p className='hint'>
        导出文件首行注明导出人和导出时间，每次导出都会记入审计日志。昵称、手机号、生日默认打码；
        确需完整信息时请填写原因。
      </p>
      <div className='inline-row' style={{ marginTop: 10 }}>
        <button
          className='btn btn-primary'
          type='button'
          data-testid='segment-export-masked'
          disabled={busy}
          onClick={() => void download(false)}
        >
          导出（脱敏）
        </button>
        <button className='btn' type='button' onClick={onClose} disabled={busy}>
          关闭
        </button>
      </div>
      <form className='inline-row' style={{ marginTop: 10 }} onSubmit={submitClear}>
        <input
          data-testid='segment-export-reason'
          value={reason}
          maxLength={200}
          placeholder='导出完整信息的原因，如 会员节短信回访名单'
          aria-label='导出完整信息的原因'
          onChange={(e) => setReason(e.target.value)}
        />
        <button className='btn' type='submit' data-testid='segment-export-clear' disabled={busy}>
          导出完整信息
        </button>
      </form>
      {message && <div className={message.ok ? 'notice' : 'form-error'}>{message.text}</div>}
    </Panel>
  )
}
