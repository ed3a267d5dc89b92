import Taro from '@tarojs/taro'

/**
 * The bottom tab bar's pages (app.config.ts `tabBar`). WeChat opens a tab page only with switchTab
 * (navigateTo/redirectTo to one fail), so links that may point at a tab go through openPage.
 */
export const HOME_PAGE = '/pages/home/index'
export const MEMBER_CODE_PAGE = '/pages/card/index'
export const MALL_PAGE = '/pages/mall/index'
export const ME_PAGE = '/pages/me/index'
export const NOT_FOUND_PAGE = '/pages/not-found/index'

export const TAB_PAGES = [HOME_PAGE, MEMBER_CODE_PAGE, MALL_PAGE, ME_PAGE]

export function isTabPage(url: string): boolean {
  return TAB_PAGES.includes(url.split('?')[0] ?? '')
}

/** Opens a page of the app from a link: tabs by switchTab (their query is dropped), others on top. */
export function openPage(url: string): void {
  if (isTabPage(url)) void Taro.switchTab({ url: url.split('?')[0]! })
  else void Taro.navigateTo({ url })
}
