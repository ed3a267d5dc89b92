import { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { rememberInviter } from './services/inviter'
import './app.css'

function App({ children }: PropsWithChildren) {
  // Capture ?inviter= as early as possible: the first page may redirect to login,
  // which would otherwise lose the launch query.
  useLaunch((options) => {
    rememberInviter(options?.query)
  })
  return children
}

export default App
