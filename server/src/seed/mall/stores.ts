import type { StoreDoc } from '../../modules/stores/store.model'
import type { Prng } from './prng'

/**
 * The demo mall's tenants: brands a Chinese shopping centre has, by category, on the floors such
 * malls put them (supermarket and quick food in B1, beauty and jewellery on L1, fashion on L2–L3,
 * children, digital and lifestyle on L4, restaurants on L5, cinema and games on L6).
 */
export interface CategoryProfile {
  category: string
  floors: string[]
  /** how often members buy here, relative to other categories */
  visitWeight: number
  /** median receipt in yuan, and the spread of receipts around it */
  medianYuan: number
  sigma: number
  opensAt: string
  closesAt: string
  brands: string[]
}

export const CATEGORIES: CategoryProfile[] = [
  {
    category: '餐饮',
    floors: ['B1', 'L5', 'L5', 'L6'],
    visitWeight: 34,
    medianYuan: 110,
    sigma: 0.55,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: [
      '喜茶',
      '奈雪的茶',
      '瑞幸咖啡',
      '麦当劳',
      '肯德基',
      '必胜客',
      '西贝莜面村',
      '外婆家',
      '绿茶餐厅',
      '太二酸菜鱼',
      '鼎泰丰',
      '味千拉面',
      '一点点',
      '巴黎贝甜',
      '85度C',
      '元气寿司',
      '呷哺呷哺',
      '小龙坎火锅',
      '南京大牌档',
      '云海肴',
      '汉堡王',
      '赛百味',
      '满记甜品',
      '鲜芋仙',
      '探鱼',
      '点都德',
      '陈香贵兰州牛肉面',
    ],
  },
  {
    category: '超市',
    floors: ['B1'],
    visitWeight: 12,
    medianYuan: 150,
    sigma: 0.6,
    opensAt: '09:00',
    closesAt: '22:00',
    brands: ['盒马鲜生', "Ole' 精品超市"],
  },
  {
    category: '服饰',
    floors: ['L2', 'L2', 'L3'],
    visitWeight: 14,
    medianYuan: 420,
    sigma: 0.6,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: [
      'ZARA',
      'H&M',
      'GAP',
      '太平鸟',
      '江南布衣',
      '波司登',
      '海澜之家',
      'MO&Co.',
      'Lily',
      'ONLY',
      'VERO MODA',
      'JACK & JONES',
      '森马',
      '利郎',
      '地素',
      'COS',
      '之禾',
      '马克华菲',
    ],
  },
  {
    category: '美妆',
    floors: ['L1'],
    visitWeight: 8,
    medianYuan: 360,
    sigma: 0.55,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: ['屈臣氏', '完美日记', '兰蔻', '雅诗兰黛', '资生堂', '悦诗风吟', '植村秀', '科颜氏', '娇韵诗', 'M·A·C'],
  },
  {
    category: '珠宝',
    floors: ['L1'],
    visitWeight: 1.5,
    medianYuan: 2400,
    sigma: 0.7,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: ['周大福', '老凤祥', '周生生', '六福珠宝', '潘多拉', '施华洛世奇'],
  },
  {
    category: '运动',
    floors: ['L3'],
    visitWeight: 7,
    medianYuan: 480,
    sigma: 0.55,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: ['耐克', '阿迪达斯', '安踏', '李宁', '特步', '迪卡侬', '斯凯奇', '彪马', '露露乐蒙', '始祖鸟'],
  },
  {
    category: '儿童',
    floors: ['L4'],
    visitWeight: 5,
    medianYuan: 260,
    sigma: 0.6,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: ['乐高', '玩具反斗城', '巴拉巴拉', '好孩子', '孩子王', '迪士尼商店', '小猪佩奇乐园'],
  },
  {
    category: '数码',
    floors: ['L4'],
    visitWeight: 2,
    medianYuan: 1500,
    sigma: 0.8,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: ['Apple 授权专营店', '华为', '小米之家', 'OPPO', 'vivo', '荣耀', '大疆'],
  },
  {
    category: '生活',
    floors: ['L4', 'B1'],
    visitWeight: 9,
    medianYuan: 85,
    sigma: 0.6,
    opensAt: '10:00',
    closesAt: '22:00',
    brands: ['无印良品', '名创优品', '网易严选', '言几又书店', '西西弗书店', '泡泡玛特', '九木杂物社', '野兽派花店'],
  },
  {
    category: '娱乐',
    floors: ['L6'],
    visitWeight: 6,
    medianYuan: 120,
    sigma: 0.5,
    opensAt: '10:00',
    closesAt: '23:59',
    brands: ['万达影城', '大玩家', '星际传奇', '好乐迪 KTV', '网鱼电竞'],
  },
]

/** Every brand of the table, `count` at most, as stores M001…; a few earn more points per yuan. */
export function mallStores(rng: Prng, count: number): { store: StoreDoc; profile: CategoryProfile }[] {
  const all = CATEGORIES.flatMap((profile) => profile.brands.map((brand) => ({ brand, profile })))
  // Fewer stores than brands: every k-th brand, so each category keeps its share.
  const step = Math.max(1, all.length / count)
  const keep = Array.from({ length: Math.min(count, all.length) }, (_, k) => all[Math.floor(k * step)]!)
  return keep.map(({ brand, profile }, i) => ({
    profile,
    store: {
      _id: `M${String(i + 1).padStart(3, '0')}`,
      name: brand,
      floor: rng.pick(profile.floors),
      category: profile.category,
      multiplierPermille: rng.chance(0.12) ? rng.pick([1200, 1500, 2000]) : 1000,
      opensAt: profile.opensAt,
      closesAt: profile.closesAt,
      active: true,
    },
  }))
}
