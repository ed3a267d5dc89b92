export default definePageConfig({
  navigationBarTitleText: '扫券核销',
})
