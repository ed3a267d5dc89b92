export default definePageConfig({
  navigationBarTitleText: '积分补登',
  enablePullDownRefresh: true,
})
