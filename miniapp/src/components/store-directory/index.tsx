import { useMemo, useState } from 'react'
import { Image, ScrollView, Text, View } from '@tarojs/components'
import type { DirectoryStore } from '@mall/shared'
import { categoriesOf, filterStores, floorsOf, monogram, type DirectoryFilter } from '../../lib/store-directory'
import './index.css'

/** How many stores show before 查看全部 (a mall has a hundred or more). */
const FIRST_PAGE = 8

function Chips(props: { label: string; values: string[]; value: string | null; onChange: (v: string | null) => void }) {
  const { label, values, value, onChange } = props
  if (values.length < 2) return null
  return (
    <ScrollView className='dir-chips' scrollX enhanced showScrollbar={false}>
      <View className='dir-chips__row'>
        <Text className='muted dir-chips__label'>{label}</Text>
        {[null, ...values].map((v) => (
          <Text key={v ?? 'all'} className={`dir-chip ${v === value ? 'is-active' : ''}`} onClick={() => onChange(v)}>
            {v ?? '全部'}
          </Text>
        ))}
      </View>
    </ScrollView>
  )
}

/** The mall's stores by floor and category, with opening hours. */
export default function StoreDirectory({ stores }: { stores: DirectoryStore[] }) {
  const [filter, setFilter] = useState<DirectoryFilter>({ floor: null, category: null })
  const [showAll, setShowAll] = useState(false)
  const floors = useMemo(() => floorsOf(stores), [stores])
  const categories = useMemo(() => categoriesOf(stores), [stores])
  const shown = useMemo(() => filterStores(stores, filter), [stores, filter])
  const visible = showAll ? shown : shown.slice(0, FIRST_PAGE)

  return (
    <View className='surface home-section store-directory'>
      <View className='store-directory__head'>
        <Text className='home-section__title'>品牌导览</Text>
        <Text className='muted'>共 {stores.length} 家</Text>
      </View>
      <Chips label='楼层' values={floors} value={filter.floor} onChange={(floor) => setFilter({ ...filter, floor })} />
      <Chips
        label='业态'
        values={categories}
        value={filter.category}
        onChange={(category) => setFilter({ ...filter, category })}
      />
      {visible.length === 0 ? (
        <View className='state-box dir-empty'>
          <Text className='muted'>{stores.length === 0 ? '品牌信息整理中' : '没有符合条件的店铺'}</Text>
        </View>
      ) : (
        visible.map((s) => (
          <View key={s.id} className='dir-store'>
            {s.logoUrl ? (
              <Image className='dir-store__logo' src={s.logoUrl} mode='aspectFill' />
            ) : (
              <Text className='dir-store__logo dir-store__monogram'>{monogram(s.name)}</Text>
            )}
            <View className='dir-store__main'>
              <Text className='dir-store__name'>{s.name}</Text>
              <Text className='muted'>{[s.category, s.floor].filter(Boolean).join(' · ')}</Text>
            </View>
            <Text className='muted dir-store__hours'>
              {s.opensAt}–{s.closesAt}
            </Text>
          </View>
        ))
      )}
      {shown.length > FIRST_PAGE ? (
        <Text className='dir-more' onClick={() => setShowAll(!showAll)}>
          {showAll ? '收起' : `查看全部 ${shown.length} 家`}
        </Text>
      ) : null}
    </View>
  )
}
