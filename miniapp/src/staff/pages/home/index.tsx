import { View, Text } from '@tarojs/components'

/**
 * Placeholder so the `staff/` subpackage exists in app.json from day one; the scanner and
 * staff login land here later without touching the member main package.
 */
export default function StaffHomePage() {
  return (
    <View className='page'>
      <View className='surface state-box'>
        <Text>员工工作台 — 即将上线</Text>
      </View>
    </View>
  )
}
