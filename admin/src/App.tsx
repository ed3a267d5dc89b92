import { useEffect, useState } from 'react'
import { loadSession, saveSession, setSessionEndedHandler, type Session } from './api'
import { Brand } from './ui'
import { LoginPage } from './pages/Login'
import { DashboardPage } from './pages/Dashboard'
import { RulesPage } from './pages/Rules'
import { CouponsPage } from './pages/Coupons'
import { AuditPage } from './pages/Audit'
import { MembersPage } from './pages/Members'
import { SegmentsPage } from './pages/Segments'
import { FeedbackPage } from './pages/Feedback'
import { CampaignsPage } from './pages/Campaigns'
import { LotteryPage } from './pages/Lottery'
import { PointsMallPage } from './pages/PointsMall'
import { StoresPage } from './pages/Stores'
import { StaffPage } from './pages/Staff'
import { WechatPayPage } from './pages/WechatPay'
import { PointsClaimsPage } from './pages/PointsClaims'
import { ReceiptPhotosPage } from './pages/ReceiptPhotos'
import { HomeContentPage } from './pages/HomeContent'

const ROUTES = [
  { path: 'dashboard', label: '数据看板', icon: '▦', testId: 'nav-dashboard', Page: DashboardPage },
  { path: 'members', label: '会员', icon: '☺', testId: 'nav-members', Page: MembersPage },
  { path: 'segments', label: '人群分群', icon: '◎', testId: 'nav-segments', Page: SegmentsPage },
  { path: 'rules', label: '规则配置', icon: '⚙', testId: 'nav-rules', Page: RulesPage },
  { path: 'coupons', label: '优惠券模板', icon: '◈', testId: 'nav-coupons', Page: CouponsPage },
  { path: 'campaigns', label: '营销活动', icon: '✦', testId: 'nav-campaigns', Page: CampaignsPage },
  { path: 'lottery', label: '积分抽奖', icon: '✪', testId: 'nav-lottery', Page: LotteryPage },
  { path: 'points-mall', label: '积分商城', icon: '◇', testId: 'nav-points-mall', Page: PointsMallPage },
  { path: 'feedback', label: '会员反馈', icon: '✉', testId: 'nav-feedback', Page: FeedbackPage },
  { path: 'points-claims', label: '积分补登', icon: '✚', testId: 'nav-points-claims', Page: PointsClaimsPage },
  { path: 'receipt-photos', label: '小票审核', icon: '▣', testId: 'nav-receipt-photos', Page: ReceiptPhotosPage },
  { path: 'wechat-pay', label: '微信支付商圈', icon: '¥', testId: 'nav-wechat-pay', Page: WechatPayPage },
  { path: 'home-content', label: '首页内容', icon: '▤', testId: 'nav-home-content', Page: HomeContentPage },
  { path: 'stores', label: '门店管理', icon: '⌂', testId: 'nav-stores', Page: StoresPage },
  { path: 'staff', label: '员工账号', icon: '♙', testId: 'nav-staff', Page: StaffPage },
  { path: 'audit', label: '审计日志', icon: '☰', testId: 'nav-audit', Page: AuditPage },
] as const

type RoutePath = (typeof ROUTES)[number]['path']

function currentRoute(): RoutePath {
  const p = window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0]
  return ROUTES.some((r) => r.path === p) ? (p as RoutePath) : 'dashboard'
}

function useHashRoute(): RoutePath {
  const [route, setRoute] = useState<RoutePath>(currentRoute)
  useEffect(() => {
    const on = () => setRoute(currentRoute())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession)
  const [notice, setNotice] = useState<string | null>(null)
  const route = useHashRoute()

  useEffect(() => {
    setSessionEndedHandler((reason) => {
      setNotice(reason)
      setSession(null)
    })
  }, [])

  useEffect(() => {
    const r = ROUTES.find((x) => x.path === route)
    document.title = `${r?.label ?? ''} · 商场会员运营后台`
  }, [route])

  if (!session) {
    return (
      <LoginPage
        notice={notice}
        onLogin={(s) => {
          saveSession(s)
          setNotice(null)
          setSession(s)
        }}
      />
    )
  }

  const logout = () => {
    saveSession(null)
    setNotice('已退出登录')
    setSession(null)
  }
  const active = ROUTES.find((r) => r.path === route) ?? ROUTES[0]

  return (
    <div className='layout'>
      <nav className='sidebar' aria-label='主导航'>
        <Brand />
        <ul>
          {ROUTES.map((r) => (
            <li key={r.path}>
              <a
                href={`#/${r.path}`}
                data-testid={r.testId}
                className={r.path === route ? 'active' : undefined}
                aria-current={r.path === route ? 'page' : undefined}
              >
                <span className='nav-icon' aria-hidden='true'>
                  {r.icon}
                </span>
                {r.label}
              </a>
            </li>
          ))}
        </ul>
        <div className='sidebar-foot'>
          <div className='whoami' title={session.staff.username}>
            {session.staff.displayName || session.staff.username}
            <small>运营</small>
          </div>
          <button type='button' className='nav-logout' data-testid='nav-logout' onClick={logout}>
            退出
          </button>
        </div>
      </nav>
      <main className='content'>
        <h1 className='page-title'>{active.label}</h1>
        <active.Page key={active.path} />
      </main>
    </div>
  )
}
