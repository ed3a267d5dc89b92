import { memberWechatPayStatus, type MemberWechatPayStatus } from '@mall/shared'
import { api } from './api'

/** Whether WeChat Pay 智慧商圈 pay-to-earn is on for the member (GET /api/me/wechat-pay). */
export function fetchWechatPayStatus(): Promise<MemberWechatPayStatus> {
  return api.get('/api/me/wechat-pay', memberWechatPayStatus)
}

/**
 * The 商圈会员快速积分 plugin's provider appid, set at build time when the mall's mini-program has the
 * plugin (app.config.ts declares it for weapp only then). Unset: no plugin, so no button.
 */
export const POINTS_PLUGIN = POINTS_PLUGIN_PROVIDER
/** The name app.config.ts gives the plugin: its pages are plugin://mallPoints/<page>. */
export const POINTS_PLUGIN_NAME = 'mallPoints'
