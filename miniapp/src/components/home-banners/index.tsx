import { Image, Swiper, SwiperItem, Text, View } from '@tarojs/components'
import type { HomeBanner } from '@mall/shared'
import { openPage } from '../../services/tabs'
import './index.css'

/**
 * The operator's banners, one at a time, swiping on their own. A banner without a picture is drawn
 * as a coloured card with its title, so a new campaign can go live before its artwork.
 */
export default function HomeBanners({ banners }: { banners: HomeBanner[] }) {
  if (banners.length === 0) return null
  return (
    <Swiper
      className='home-banners'
      indicatorDots={banners.length > 1}
      indicatorActiveColor='#ffffff'
      autoplay={banners.length > 1}
      interval={5000}
      circular
    >
      {banners.map((b, i) => (
        <SwiperItem key={b.id}>
          <View
            className={`home-banner home-banner--${i % 3} ${b.link ? 'is-link' : ''}`}
            onClick={b.link ? () => openPage(b.link) : undefined}
          >
            {b.imageUrl ? <Image className='home-banner__image' src={b.imageUrl} mode='aspectFill' /> : null}
            <View className='home-banner__text'>
              <Text className='home-banner__title'>{b.title}</Text>
              {b.subtitle ? <Text className='home-banner__subtitle'>{b.subtitle}</Text> : null}
            </View>
          </View>
        </SwiperItem>
      ))}
    </Swiper>
  )
}
