import path from 'path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import { BuildEnvError, resolveBuildEnv, type BuildEnv } from './build-env'

/**
 * @mall/shared is published inside the monorepo as TypeScript source (its package.json "main"
 * points at a dist/ that the miniapp build must not depend on). We alias the import to the
 * source directory and add it to compile.include, because Taro's babel-loader skips files
 * outside src/ by default and webpack would then choke on `export interface ...`.
 */
const sharedSrc = path.resolve(__dirname, '../../shared/src')
const zxingWasm = path.resolve(__dirname, '../../node_modules/zxing-wasm/dist/reader/zxing_reader.wasm')

export default defineConfig<'webpack5'>(async (_merge, { mode }) => {
  const platform = process.env.TARO_ENV
  const env = buildEnvOrExit(platform, mode)
  // The weapp test lane builds into its own folder so it never replaces dist/weapp under DevTools.
  const outputRoot = process.env.MINIAPP_OUTPUT_ROOT || `dist/${platform}`
  const pointsPluginProvider = (process.env.TARO_APP_POINTS_PLUGIN_PROVIDER ?? '').trim()
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'mall-loyalty-miniapp',
    date: '2025-1-1',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot,
    plugins: [],
    alias: {
      '@mall/shared': sharedSrc,
    },
    // Values come from miniapp/.env.<mode> (TARO_APP_*), checked by resolveBuildEnv.
    defineConstants: {
      API_BASE: JSON.stringify(env.apiBase),
      CHECKIN_TEMPLATE_ID: JSON.stringify(env.checkinTemplateId),
      WEAPP_DEV_LOGIN: JSON.stringify(env.devLogin),
      // weapp: WeChat Pay's 商圈会员快速积分 plugin, when the mall has it (app.config.ts declares it then)
      POINTS_PLUGIN_PROVIDER: JSON.stringify(platform === 'weapp' ? pointsPluginProvider : ''),
    },
    // Taro copies app.json's sitemapLocation target only if told to. H5: the ZXing .wasm the staff camera
    // scanner loads where the browser has no BarcodeDetector (src/staff/lib/h5-camera-scan.ts), served by us.
    copy: {
      patterns:
        platform === 'weapp'
          ? [{ from: 'src/sitemap.json', to: `${outputRoot}/sitemap.json` }]
          : [{ from: zxingWasm, to: `${outputRoot}/static/zxing_reader.wasm` }],
      options: {},
    },
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
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
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
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
  }
  return config
})

/** A bad release configuration stops the build here, before webpack, with every problem listed. */
function buildEnvOrExit(platform: string | undefined, mode: string | undefined): BuildEnv {
  try {
    return resolveBuildEnv(process.env, platform, mode)
  } catch (err) {
    if (!(err instanceof BuildEnvError)) throw err
    // Taro logs and swallows errors thrown by the config file; exit so the build fails.
    console.error(`\n✖ ${err.message}\n  Set them in miniapp/.env.${mode}.local or the environment (docs/weapp.md).\n`)
    process.exit(1)
  }
}
