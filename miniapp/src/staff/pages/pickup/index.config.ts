export default definePageConfig({
  navigationBarTitleText: '礼品核销',
})
