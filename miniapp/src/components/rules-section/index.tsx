import { View, Text } from '@tarojs/components'
import './index.css'

/**
 * A titled list of plain-language rule sentences. The copy itself lives with each page, next to
 * the numbers it explains, so a rule change is edited in one obvious place.
 */
export default function RulesSection({
  title,
  rules,
  className = '',
}: {
  title: string
  rules: string[]
  className?: string
}) {
  return (
    <View className={`surface rules-section ${className}`}>
      <Text className='rules-section__title'>{title}</Text>
      {rules.map((rule) => (
        <View key={rule} className='rules-section__item'>
          <Text className='rules-section__dot'>•</Text>
          <Text className='rules-section__text'>{rule}</Text>
        </View>
      ))}
    </View>
  )
}
