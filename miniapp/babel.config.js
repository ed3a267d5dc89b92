// Taro's preset compiles TSX + React for both weapp and h5 (webpack5 runner).
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
}
