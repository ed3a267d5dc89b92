export default definePageConfig({
  navigationBarTitleText: '小票审核',
  enablePullDownRefresh: true,
})
