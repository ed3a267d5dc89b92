import type { ReactNode } from 'react'

/** A labelled text input on one line of a toolbar. */
export function InlineTextField(props: {
  label: string
  testId: string
  value: string
  maxLength?: number
  onChange: (value: string) => void
}) {
  return (
    <label className='field-inline'>
      <span>{props.label}</span>
      <input
        data-testid={props.testId}
        value={props.value}
        maxLength={props.maxLength}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  )
}

/**
 * The desk's 驳回 row: a reason from the list the member will read, then the button; `children` follow it
 * (取消). Test ids: `<testIdPrefix>-reason`, `<testIdPrefix>-reject`.
 */
export function RejectWithReason<Reason extends string>(props: {
  reasons: Record<Reason, string>
  reason: Reason
  onReason: (reason: Reason) => void
  busy: boolean
  testIdPrefix: string
  onReject: () => void
  children?: ReactNode
}) {
  const { testIdPrefix } = props
  return (
    <div className='toolbar'>
      <label className='field-inline'>
        <span>驳回原因</span>
        <select
          data-testid={`${testIdPrefix}-reason`}
          value={props.reason}
          onChange={(e) => props.onReason(e.target.value as Reason)}
        >
          {(Object.entries(props.reasons) as [Reason, string][]).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <button
        className='btn'
        type='button'
        disabled={props.busy}
        data-testid={`${testIdPrefix}-reject`}
        onClick={props.onReject}
      >
        驳回
      </button>
      {props.children}
    </div>
  )
}
