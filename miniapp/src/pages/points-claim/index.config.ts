export default definePageConfig({
  navigationBarTitleText: '积分未到账',
  enablePullDownRefresh: true,
})
