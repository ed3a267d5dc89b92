export default definePageConfig({
  navigationBarTitleText: '门店日报',
  enablePullDownRefresh: true,
})
