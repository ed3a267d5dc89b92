import { View, Text } from '@tarojs/components'
import { WEEKDAY_LABELS, type CalendarCell } from '../../lib/checkin-calendar'
import './index.css'

/**
 * Month grid, Monday first. Checked days carry a tick, today a ring, missed days of this month a
 * grey dot, and those the member can 补签 right now a "补" badge. Every real day is a
 * `.checkin-day` with data-day / data-checked (e2e hooks); padding cells are `.checkin-cell--pad`.
 */
export default function CheckinCalendar({
  cells,
  onDayTap,
}: {
  cells: CalendarCell[]
  onDayTap: (cell: CalendarCell) => void
}) {
  return (
    <View className='checkin-calendar'>
      {WEEKDAY_LABELS.map((w) => (
        <Text key={w} className='checkin-calendar__weekday'>
          {w}
        </Text>
      ))}
      {cells.map((cell, i) =>
        cell.day ? (
          <View
            key={cell.day}
            className={`checkin-cell checkin-day ${modifiers(cell)}`}
            data-day={cell.day}
            data-checked={cell.checked ? 'true' : 'false'}
            onClick={() => onDayTap(cell)}
          >
            <Text className='checkin-cell__date'>{cell.date}</Text>
            <Text className='checkin-cell__mark'>
              {cell.checked ? '✓' : cell.makeupable ? '补' : cell.missed ? '·' : ''}
            </Text>
          </View>
        ) : (
          <View key={`pad-${i}`} className='checkin-cell checkin-cell--pad' />
        ),
      )}
    </View>
  )
}

function modifiers(cell: CalendarCell): string {
  return [
    cell.checked ? 'checkin-day--checked' : '',
    cell.today ? 'checkin-day--today' : '',
    cell.missed ? 'checkin-day--missed' : '',
    cell.makeupable ? 'checkin-day--makeup' : '',
  ]
    .filter(Boolean)
    .join(' ')
}
