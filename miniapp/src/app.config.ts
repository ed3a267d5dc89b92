const isH5 = process.env.TARO_ENV === 'h5'
const pointsPlugin = process.env.TARO_APP_POINTS_PLUGIN_PROVIDER
const pointsPluginVersion = process.env.TARO_APP_POINTS_PLUGIN_VERSION || '2.5.5'

export default defineAppConfig({
  // Main package: member-facing pages only. 首页 is the landing page; the four tabs come first.
  pages: [
    'pages/home/index',
    'pages/card/index',
    'pages/mall/index',
    'pages/me/index',
    'pages/login/index',
    'pages/wallet/index',
    'pages/tier/index',
    'pages/coupons/index',
    'pages/my-coupons/index',
    'pages/coupon-detail/index',
    'pages/checkin/index',
    'pages/invite/index',
    'pages/feedback/index',
    'pages/lottery/index',
    'pages/points-claim/index',
    'pages/receipt-photos/index',
    'pages/gift/index',
    'pages/my-redemptions/index',
    'pages/redemption/index',
    'pages/account-security/index',
    'pages/account-deletion/index',
    'pages/privacy/index',
    'pages/my-data/index',
    'pages/not-found/index',
  ],
  // Staff tooling lives in its own subpackage so members never download it.
  subPackages: [
    {
      root: 'staff',
      pages: [
        'pages/home/index',
        'pages/login/index',
        'pages/award/index',
        'pages/redeem/index',
        'pages/today/index',
        'pages/approvals/index',
        'pages/daily/index',
        'pages/pickup/index',
        'pages/receipts/index',
        'pages/claims/index',
      ],
    },
  ],
  // 首页 / 会员码 / 积分商城 / 我的: the member code is one tap from every tab. Icons: scripts/make-tab-icons.js.
  tabBar: {
    color: '#8a8f9c',
    selectedColor: '#2f6bff',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/home/index',
        text: '首页',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-active.png',
      },
      {
        pagePath: 'pages/card/index',
        text: '会员码',
        iconPath: 'assets/tab/code.png',
        selectedIconPath: 'assets/tab/code-active.png',
      },
      {
        pagePath: 'pages/mall/index',
        text: '积分商城',
        iconPath: 'assets/tab/mall.png',
        selectedIconPath: 'assets/tab/mall-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tab/me.png',
        selectedIconPath: 'assets/tab/me-active.png',
      },
    ],
  },
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6fa',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
    // H5: Taro draws a title bar with a back button (home button when a sub page is opened directly);
    // WeChat has its own.
    ...(isH5 ? { navigationStyle: 'default' as const } : {}),
  },
  // H5 only: Taro's 300 ms page-transition hide timer races with quick back navigation
  // (previous page stays hidden). weapp's app.json must not carry this key.
  ...(isH5 ? { animation: false } : {}),
  // weapp only: inject components on demand (WeChat perf audit marks this as required).
  // The weapp test lane renders every page with it on.
  ...(isH5 ? {} : { lazyCodeLoading: 'requiredComponents' }),
  // weapp only, when the mall's mini-program has WeChat Pay's 商圈会员快速积分 plugin (TARO_APP_POINTS_PLUGIN_PROVIDER):
  // the wallet's 去开通 opens plugin://mallPoints/index. Declared only then: WeChat refuses to compile a
  // plugin the appid has not been granted (docs/wechat-pay.md).
  ...(!isH5 && pointsPlugin
    ? { plugins: { mallPoints: { version: pointsPluginVersion, provider: pointsPlugin } } }
    : {}),
  // weapp only: which pages WeChat search may index (src/sitemap.json, copied by config/index.ts).
  ...(isH5 ? {} : { sitemapLocation: 'sitemap.json' }),
  // weapp only: WeChat's privacy authorisation before phone number, photo and clipboard APIs
  // (components/privacy-authorization answers wx.onNeedPrivacyAuthorization).
  ...(isH5 ? {} : { __usePrivacyCheck__: true }),
})
