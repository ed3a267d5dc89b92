export default definePageConfig({
  navigationBarTitleText: '今日操作',
  enablePullDownRefresh: true,
})
