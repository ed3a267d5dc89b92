import path from 'path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'

/**
 * @mall/shared is published inside the monorepo as TypeScript source (its package.json "main"
 * points at a dist/ that the miniapp build must not depend on). We alias the import to the
 * source directory and add it to compile.include, because Taro's babel-loader skips files
 * outside src/ by default and webpack would then choke on `export interface ...`.
 */
const sharedSrc = path.resolve(__dirname, '../../shared/src')

export default defineConfig<'webpack5'>(async () => {
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'mall-loyalty-miniapp',
    date: '2025-1-1',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    alias: {
      '@mall/shared': sharedSrc,
    },
    defineConstants: {
      // '' = same origin: the Koa server serves the H5 build and the API from one URL.
      // For weapp the real https base URL is injected at build time (API_BASE=https://...).
      API_BASE: JSON.stringify(process.env.API_BASE || ''),
      // Subscribe-message template id for the daily check-in reminder (weapp only).
      CHECKIN_TEMPLATE_ID: JSON.stringify(process.env.CHECKIN_TEMPLATE_ID || 'checkin-reminder-dev'),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    // Reproducible CI builds; the persistent cache is an opt-in for local watch mode.
    cache: { enable: false },
    mini: {
      compile: { include: [sharedSrc] },
      // Move subpackage-only modules out of the 2 MB-limited main package.
      optimizeMainPackage: { enable: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      compile: { include: [sharedSrc] },
      publicPath: '/',
      staticDirectory: 'static',
      // Hash mode works behind any static server without an index.html fallback.
      router: { mode: 'hash' },
      // Taro splits only initial chunks, so every lazily loaded page chunk carried its own
      // copy of zod (+ @mall/shared). Share modules used by >= 2 pages in one async chunk.
      webpackChain(chain) {
        chain.optimization.merge({
          splitChunks: {
            cacheGroups: {
              pagesShared: { chunks: 'async', minChunks: 2, priority: 20, reuseExistingChunk: true },
            },
          },
        })
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  }
  return config
})
