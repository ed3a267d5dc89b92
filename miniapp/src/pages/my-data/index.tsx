import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { useRemoteData } from '../../hooks/use-remote-data'
import RemoteState from '../../components/remote-state'
import PrivacyAuthorization from '../../components/privacy-authorization'
import { fetchMyData, requirePrivacyAuthorize, type MyData } from '../../services/privacy'
import { goToLogin, isLoggedIn } from '../../services/session'
import { myDataFileName, summariseMyData } from '../../lib/my-data-format'
import './index.css'

const isH5 = process.env.TARO_ENV === 'h5'

/** H5: the export saved as a file through the browser's download. */
function downloadJson(data: MyData): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = myDataFileName(data.profile.memberNo, data.exportedAt)
  link.className = 'my-data-download-link'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * 我的数据 (PIPL: see and copy): what the mall keeps about the member, section by section, and the whole of it
 * as a JSON file. H5 downloads it; weapp copies it (a mini-program cannot hand a .json file to the phone's
 * files: wx.openDocument opens only office and PDF files), after WeChat's privacy authorisation.
 */
export default function MyDataPage() {
  const remote = useRemoteData(fetchMyData)
  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    // The export is rate limited: a page already showing it keeps it when shown again.
    if (!remote.data) void remote.reload()
  })

  const data = remote.data
  const save = async () => {
    if (!data) return
    if (isH5) {
      downloadJson(data)
      void Taro.showToast({ title: '已开始下载', icon: 'none' })
      return
    }
    try {
      await requirePrivacyAuthorize()
      await Taro.setClipboardData({ data: JSON.stringify(data) })
      void Taro.showToast({ title: '已复制全部数据', icon: 'none' })
    } catch {
      void Taro.showToast({ title: '未授权，无法复制', icon: 'none' })
    }
  }

  if (!data) {
    return (
      <View className='page my-data-page'>
        <RemoteState
          remote={remote}
          loadingText='正在整理您的数据…'
          errorClass='my-data-error'
          loadingClass='my-data-loading'
        />
      </View>
    )
  }
  const p = data.profile
  const profileRows = [
    ['会员号', String(p.memberNo ?? '')],
    ['昵称', String(p.nickname ?? '')],
    ['会员等级', String(p.tier ?? '')],
    ['手机号', p.phone ? String(p.phone) : '未绑定'],
    ['生日', p.birthday ? String(p.birthday) : '未填写'],
    ['加入时间', String(p.joinedAt ?? '').slice(0, 10)],
  ]
  return (
    <View className='page my-data-page'>
      <View className='surface my-data-profile'>
        {profileRows.map(([label, value]) => (
          <View key={label} className='my-data-row'>
            <Text>{label}</Text>
            <Text className='my-data-row__value'>{value}</Text>
          </View>
        ))}
      </View>
      <View className='surface my-data-sections'>
        {summariseMyData(data).map((row) => (
          <View key={row.key} className={`my-data-row my-data-${row.key}`}>
            <Text>{row.label}</Text>
            <Text className='my-data-row__value'>{row.value}</Text>
          </View>
        ))}
      </View>
      <View className='my-data-actions'>
        <Button className='btn-primary my-data-save' onClick={() => void save()}>
          {isH5 ? '下载全部数据（JSON 文件）' : '复制全部数据'}
        </Button>
        <Text className='muted my-data-note'>
          文件包含您的手机号等个人信息，请妥善保管。为保护数据安全，15 分钟内最多导出 5 次。
        </Text>
      </View>
      <PrivacyAuthorization />
    </View>
  )
}
