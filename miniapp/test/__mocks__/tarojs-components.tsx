/**
 * Minimal DOM stand-ins for Taro components so React Testing Library can render pages in
 * jsdom without Taro's web-component runtime. Taro-only props are dropped.
 */
import { forwardRef, createElement, type ReactNode } from 'react'

type Props = Record<string, unknown> & { children?: ReactNode; className?: string }

const TARO_ONLY = [
  'hoverClass',
  'openType',
  'mode',
  'loading',
  'confirmType',
  'onGetPhoneNumber',
  'onConfirm',
  'size',
  'userSelect',
  'showMenuByLongpress',
]

function strip(props: Props): Props {
  const out: Props = {}
  for (const [k, v] of Object.entries(props)) if (!TARO_ONLY.includes(k)) out[k] = v
  return out
}

const make = (tag: string) =>
  forwardRef<HTMLElement, Props>((props, ref) => createElement(tag, { ...strip(props), ref }))

export const View = make('div')
export const Text = make('span')
export const Button = make('button')
export const Image = make('img')
export const ScrollView = make('div')
/** Swiper / SwiperItem: their slides, one after another (autoplay, dots and the like dropped). */
export const Swiper = ({ className, children }: Props) => createElement('div', { className }, children)
export const SwiperItem = ({ children }: Props) => createElement('div', null, children)

export const Input = forwardRef<HTMLInputElement, Props>((props, ref) => {
  const { onInput, maxlength, ...rest } = props as Props & {
    onInput?: (e: { detail: { value: string } }) => void
    maxlength?: number
  }
  return createElement('input', {
    ...strip(rest),
    maxLength: maxlength,
    ref,
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
  })
})

/** Switch as a checkbox; onChange gets Taro's `{ detail: { value } }`. */
export const Switch = forwardRef<HTMLInputElement, Props>((props, ref) => {
  const {
    onChange,
    checked,
    color: _color,
    ...rest
  } = props as Props & { onChange?: (e: { detail: { value: boolean } }) => void; checked?: boolean; color?: string }
  return createElement('input', {
    ...strip(rest),
    type: 'checkbox',
    defaultChecked: checked,
    ref,
    onChange: (e: { target: { checked: boolean } }) => onChange?.({ detail: { value: e.target.checked } }),
  })
})

/** Picker (date mode) as a date input; onChange gets Taro's `{ detail: { value } }`. */
export const Picker = forwardRef<HTMLInputElement, Props>((props, ref) => {
  const {
    onChange,
    children,
    start: _start,
    end: _end,
    value,
    ...rest
  } = props as Props & {
    onChange?: (e: { detail: { value: string } }) => void
    start?: string
    end?: string
    value?: string
  }
  return createElement(
    'label',
    null,
    children,
    createElement('input', {
      ...strip(rest),
      type: 'date',
      'data-testid': 'picker',
      defaultValue: value,
      ref,
      onChange: (e: { target: { value: string } }) => onChange?.({ detail: { value: e.target.value } }),
    }),
  )
})

/** Textarea like Input: onInput gets Taro's `{ detail: { value } }`. */
export const Textarea = forwardRef<HTMLTextAreaElement, Props>((props, ref) => {
  const { onInput, maxlength, ...rest } = props as Props & {
    onInput?: (e: { detail: { value: string } }) => void
    maxlength?: number
  }
  return createElement('textarea', {
    ...strip(rest),
    maxLength: maxlength,
    ref,
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
  })
})
