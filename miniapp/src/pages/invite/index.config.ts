export default definePageConfig({
  navigationBarTitleText: '邀请有礼',
  enablePullDownRefresh: true,
  // weapp: the page's share menu and the openType='share' button use useShareAppMessage.
  enableShareAppMessage: true,
})
