import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { HomeAnnouncement, HomeEvent } from '@mall/shared'
import './index.css'

/** 月/日 of a YYYY-MM-DD day, e.g. 12月20日 */
function monthDay(day: string): string {
  const [, m, d] = day.split('-')
  return `${Number(m)}月${Number(d)}日`
}

/** 12.08, as mall apps print event dates in a narrow column */
function dotted(day: string): string {
  const [, m, d] = day.split('-')
  return `${m}.${d}`
}

/** Mall announcements, newest first; a tap opens the full text in place. */
export function AnnouncementList({ items }: { items: HomeAnnouncement[] }) {
  const [open, setOpen] = useState<string | null>(null)
  if (items.length === 0) return null
  return (
    <View className='surface home-section home-announcements'>
      <Text className='home-section__title'>商场公告</Text>
      {items.map((a) => (
        <View
          key={a.id}
          className='home-announcement'
          onClick={a.body ? () => setOpen(open === a.id ? null : a.id) : undefined}
        >
          <View className='home-announcement__row'>
            <Text className='home-announcement__title'>{a.title}</Text>
            <Text className='muted home-announcement__date'>{monthDay(a.publishedOn)}</Text>
          </View>
          {open === a.id ? <Text className='home-announcement__body'>{a.body}</Text> : null}
        </View>
      ))}
    </View>
  )
}

/** Events that have not ended yet, soonest first. */
export function EventList({ items }: { items: HomeEvent[] }) {
  if (items.length === 0) return null
  return (
    <View className='surface home-section home-events'>
      <Text className='home-section__title'>精彩活动</Text>
      {items.map((e) => (
        <View key={e.id} className='home-event'>
          <View className='home-event__when'>
            <Text className='home-event__day'>{dotted(e.startsOn)}</Text>
            {e.endsOn !== e.startsOn ? <Text className='muted'>至 {dotted(e.endsOn)}</Text> : null}
          </View>
          <View className='home-event__main'>
            <Text className='home-event__title'>{e.title}</Text>
            {e.place ? <Text className='muted'>{e.place}</Text> : null}
            {e.summary ? <Text className='home-event__summary'>{e.summary}</Text> : null}
          </View>
        </View>
      ))}
    </View>
  )
}
