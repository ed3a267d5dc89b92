import type { Page } from 'playwright-core'

/**
 * Where text sits in its box, measured as the member sees it (px from the box's vertical middle). Taro H5
 * wraps inputs and mini buttons in host elements whose own CSS can push the text to the top.
 */

/** A field's typed text: the inner <input> Taro H5 renders against its host element. */
export const inputOffCentre = (page: Page, selector: string): Promise<number> =>
  page.evaluate((s) => {
    const host = document.querySelector(s)!.getBoundingClientRect()
    const inner = document.querySelector(`${s} input`)!.getBoundingClientRect()
    return Math.abs(host.top + host.height / 2 - (inner.top + inner.height / 2))
  }, selector)

/** A button's label against the button. */
export const textOffCentre = (page: Page, selector: string): Promise<number> =>
  page.evaluate((s) => {
    const button = document.querySelector(s)!
    const range = document.createRange()
    range.selectNodeContents(button)
    const text = range.getBoundingClientRect()
    const box = button.getBoundingClientRect()
    return Math.abs(box.top + box.height / 2 - (text.top + text.height / 2))
  }, selector)
