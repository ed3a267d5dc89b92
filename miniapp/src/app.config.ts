const isH5 = process.env.TARO_ENV === 'h5'
const pointsPlugin = process.env.TARO_APP_POINTS_PLUGIN_PROVIDER
const pointsPluginVersion = process.env.TARO_APP_POINTS_PLUGIN_VERSION || '2.5.5'

export default defineAppConfig({
  // Main package: member-facing pages only. The card is the landing page.
  pages: [
    'pages/card/index',
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
    'pages/mall/index',
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
      ],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6fa',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
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
})
