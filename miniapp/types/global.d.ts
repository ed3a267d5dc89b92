/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.svg'
declare module '*.css'

/** Injected by Taro defineConstants. Empty string = same origin (H5 served by the Koa server). */
declare const API_BASE: string

/** Injected by Taro defineConstants: true only in weapp `--mode development` builds with TARO_APP_DEV_LOGIN. */
declare const WEAPP_DEV_LOGIN: boolean

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'quickapp' | 'qq' | 'jd'
  }
}

/**
 * jsbarcode ships no types for its encoder classes; we only use CODE128's encode() output
 * (a string of '1'/'0' module bits) and render it ourselves.
 */
declare module 'jsbarcode/bin/barcodes/CODE128' {
  interface EncodedBarcode {
    data: string
    text: string
  }
  export class CODE128 {
    constructor(data: string, options: Record<string, unknown>)
    valid(): boolean
    encode(): EncodedBarcode
  }
}

/** Injected by Taro defineConstants: the WeChat subscribe-message template for check-in reminders. */
declare const CHECKIN_TEMPLATE_ID: string

/** Injected by Taro defineConstants: the 商圈会员快速积分 plugin's appid (weapp, when declared), else ''. */
declare const POINTS_PLUGIN_PROVIDER: string
