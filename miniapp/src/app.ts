import { PropsWithChildren } from 'react'
import Taro, { useLaunch } from '@tarojs/taro'
import { rememberInviter } from './services/inviter'
import { NOT_FOUND_PAGE } from './services/tabs'
import { keepPageInItsDocument } from './lib/area-document'
import './app.css'

// H5: an address that names no page (a mistyped or outdated link) shows 页面不存在 instead of a blank
// screen. WeChat only opens pages of app.json.
if (process.env.TARO_ENV === 'h5') {
  Taro.onPageNotFound(() => void Taro.redirectTo({ url: NOT_FOUND_PAGE }))
  // Staff pages run in the /staff/ document, the only one allowed the camera; member pages outside it.
  keepPageInItsDocument(window.location)
}

function App({ children }: PropsWithChildren) {
  // Capture ?inviter= as early as possible: the first page may redirect to login,
  // which would otherwise lose the launch query.
  useLaunch((options) => {
    rememberInviter(options?.query)
  })
  return children
}

export default App
