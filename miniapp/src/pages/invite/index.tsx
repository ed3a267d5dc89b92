import { useEffect, useMemo } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useShareAppMessage, useShareTimeline } from '@tarojs/taro'
import { View, Text, Button, Image } from '@tarojs/components'
import type { InviteSummary } from '@mall/shared'
import { fetchInvites } from '../../services/engagement'
import { fetchInviteCodeImage } from '../../services/notifications'
import { CARD_PAGE, goToLogin, isLoggedIn } from '../../services/session'
import { useRemoteData } from '../../hooks/use-remote-data'
import { formatPoints } from '../../lib/format'
import { qrDataUri } from '../../lib/qr-svg'
import {
  INVITE_STATUS_LABELS,
  absoluteSharePath,
  inviteRules,
  inviteStatusTone,
  joinedText,
} from '../../lib/invite-format'
import RulesSection from '../../components/rules-section'
import RemoteState from '../../components/remote-state'
import './index.css'

const isWeapp = process.env.TARO_ENV === 'weapp'
const SHARE_TITLE = '送你商场会员积分，注册即得，一起来逛'

/**
 * 邀请有礼: my invite code, how to share it (weapp: share card and 朋友圈; H5: copy the link), a
 * poster (weapp: the mini-program code; H5, or while it loads or if it fails: the link's QR code),
 * my invited friends and the totals. Test hooks: invite-code, invite-copy, invite-link,
 * invite-qr, invite-wxacode, invite-friend, invite-totals.
 */
export default function InvitePage() {
  const invites = useRemoteData(fetchInvites)

  useDidShow(() => {
    if (!isLoggedIn()) {
      goToLogin()
      return
    }
    void invites.reload()
  })

  usePullDownRefresh(() => {
    void invites.reload().finally(() => Taro.stopPullDownRefresh())
  })

  // weapp share card (menu and the openType='share' button); a no-op on H5.
  useShareAppMessage(() => ({
    title: SHARE_TITLE,
    path: invites.data ? absoluteSharePath(invites.data.sharePath) : CARD_PAGE,
  }))

  // weapp 朋友圈: opens this page with the query; the app's launch options carry `inviter` to login.
  useShareTimeline(() => ({
    title: SHARE_TITLE,
    query: invites.data ? `inviter=${invites.data.inviteCode}` : '',
  }))

  const data = invites.data
  if (!data) {
    return (
      <View className='page invite-page'>
        <RemoteState
          remote={invites}
          errorClass='invite-error'
          loadingClass='invite-loading'
          loadingText='邀请信息加载中…'
        />
      </View>
    )
  }

  return (
    <View className='page invite-page'>
      <View className='surface invite-hero'>
        <Text className='invite-hero__title'>邀请好友，一起得积分</Text>
        <Text className='invite-hero__subtitle'>
          好友注册得 {formatPoints(data.rules.inviteePoints)} 积分，好友首购后你得{' '}
          {formatPoints(data.rules.inviterPoints)} 积分
        </Text>
        <Text className='muted'>我的邀请码</Text>
        <Text className='invite-code'>{data.inviteCode}</Text>
        {isWeapp ? (
          <Button className='btn-primary invite-share' openType='share'>
            分享给微信好友
          </Button>
        ) : (
          <>
            <Button className='btn-primary invite-copy' onClick={() => void copyLink(data.link)}>
              复制邀请链接
            </Button>
            <Text className='invite-link' userSelect>
              {data.link}
            </Text>
          </>
        )}
      </View>

      {isWeapp ? <InviteCodePoster link={data.link} /> : <InvitePoster text={data.link} />}
      <FriendsSection data={data} />
      <RulesSection title='活动规则' rules={inviteRules(data.rules)} className='invite-rules' />
    </View>
  )
}

async function copyLink(link: string): Promise<void> {
  try {
    await Taro.setClipboardData({ data: link })
    void Taro.showToast({ title: '邀请链接已复制', icon: 'none' })
  } catch {
    void Taro.showToast({ title: '复制失败，请长按链接手动复制', icon: 'none' })
  }
}

/**
 * weapp: the invite as a mini-program code (小程序码) the server draws through WeChat; scanned, it
 * opens the card page with the invite code as `scene`. Until it arrives (or if WeChat cannot draw
 * it) the link's QR code stands in.
 */
function InviteCodePoster({ link }: { link: string }) {
  const code = useRemoteData(fetchInviteCodeImage)
  // Once, when the poster mounts: the image is the same for the member's whole visit.
  useEffect(() => {
    void code.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  if (!code.data) return <InvitePoster text={link} />
  return (
    <View className='surface invite-poster'>
      <Text className='invite-poster__title'>面对面邀请</Text>
      <Image className='invite-qr invite-wxacode' src={code.data.image} mode='aspectFit' showMenuByLongpress />
      <Text className='muted'>让好友用微信扫一扫小程序码，注册即可领取积分</Text>
    </View>
  )
}

/**
 * The link as a QR code to screenshot or show in person: scanned in WeChat it opens the mall page
 * (or, once the mini-program's "扫普通链接二维码" rule covers the domain, the mini-program itself);
 * a bare sharePath is not scannable.
 */
function InvitePoster({ text }: { text: string }) {
  const src = useMemo(() => qrDataUri(text), [text])
  return (
    <View className='surface invite-poster'>
      <Text className='invite-poster__title'>面对面邀请</Text>
      <Image className='invite-qr' data-text={text} src={src} mode='aspectFit' />
      <Text className='muted'>让好友用微信扫一扫，注册即可领取积分</Text>
    </View>
  )
}

function FriendsSection({ data }: { data: InviteSummary }) {
  const { totals, friends } = data
  return (
    <View className='surface invite-friends'>
      <View className='invite-totals'>
        <Total label='已邀请' value={totals.invited} unit='人' />
        <Total label='已首购' value={totals.purchased} unit='人' />
        <Total label='获得积分' value={totals.rewardPoints} unit='' hook='invite-totals__points' />
        <Total label='待首购' value={totals.pendingRewards} unit='人' />
      </View>
      <Text className='invite-friends__title'>我邀请的好友</Text>
      {friends.length === 0 ? (
        <Text className='muted state-box invite-empty'>还没有好友接受邀请，快去分享吧</Text>
      ) : (
        friends.map((f, i) => (
          <View key={`${f.joinedAt}-${i}`} className='invite-friend' data-status={f.status}>
            <View className='invite-friend__who'>
              <Text className='invite-friend__name'>{f.nickname}</Text>
              <Text className='muted'>{joinedText(f.joinedAt)} 加入</Text>
            </View>
            <View className='invite-friend__state'>
              <Text className={`invite-status invite-status--${inviteStatusTone(f.status)}`}>
                {INVITE_STATUS_LABELS[f.status]}
              </Text>
              {f.rewardPoints > 0 ? (
                <Text className='invite-friend__points'>+{formatPoints(f.rewardPoints)} 积分</Text>
              ) : null}
            </View>
          </View>
        ))
      )}
    </View>
  )
}

function Total({ label, value, unit, hook = '' }: { label: string; value: number; unit: string; hook?: string }) {
  return (
    <View className='invite-total'>
      <Text className={`invite-total__value ${hook}`}>
        {formatPoints(value)}
        {unit}
      </Text>
      <Text className='muted'>{label}</Text>
    </View>
  )
}
