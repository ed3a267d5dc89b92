export default definePageConfig({
  navigationBarTitleText: '积分钱包',
  enablePullDownRefresh: true,
  // Start fetching the next history page a little before the very bottom.
  onReachBottomDistance: 120,
})
