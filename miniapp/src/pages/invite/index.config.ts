export default definePageConfig({
  navigationBarTitleText: '邀请有礼',
  enablePullDownRefresh: true,
  // weapp: the page's share menu and the openType='share' button use useShareAppMessage,
  // sharing to 朋友圈 useShareTimeline.
  enableShareAppMessage: true,
  enableShareTimeline: true,
})
