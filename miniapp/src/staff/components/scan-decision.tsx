import { View, Text, Button } from '@tarojs/components'

/**
 * The preview's 状态 row: usable, or why not. Hooks: `usableClass`, `reasonClass`.
 */
export function ScanStatus(props: {
  usable: boolean
  usableText: string
  reasonText: string
  usableClass: string
  reasonClass: string
}) {
  return (
    <View className='staff-kv'>
      <Text className='staff-kv__key'>状态</Text>
      {props.usable ? (
        <Text className={`staff-tag staff-tag--ok ${props.usableClass}`}>{props.usableText}</Text>
      ) : (
        <Text className={`staff-tag staff-tag--warn ${props.reasonClass}`}>{props.reasonText}</Text>
      )}
    </View>
  )
}

/**
 * Under a preview: the last error, then confirm (only when usable) and cancel / 重新扫码.
 * Hooks: `<hook>-error`, `<hook>-confirm`, `<hook>-cancel`.
 */
export function ScanActions(props: {
  hook: string
  usable: boolean
  busy: boolean
  error: string
  confirmText: string
  onConfirm: () => void
  onCancel: () => void
}) {
  const { hook, usable, busy, error } = props
  return (
    <>
      {error ? <Text className={`staff-error ${hook}-error`}>{error}</Text> : null}
      <View className='staff-actions'>
        {usable ? (
          <Button
            className={`btn-primary ${hook}-confirm ${busy ? 'is-busy' : ''}`}
            loading={busy}
            onClick={props.onConfirm}
          >
            {props.confirmText}
          </Button>
        ) : null}
        <Button className={`staff-btn-secondary ${hook}-cancel`} onClick={() => !busy && props.onCancel()}>
          {usable ? '取消' : '重新扫码'}
        </Button>
      </View>
    </>
  )
}
