import Router from '@koa/router'
import { privacyConsentRequest, unbindPhoneRequest } from '@mall/shared'
import type { Connection } from 'mongoose'
import { requireMember } from '../../http/auth-middleware'
import { byMember, rateLimit } from '../../http/rate-limit'
import type { CallerChecks } from '../../http/route-deps'
import { parseBody } from '../../http/validate'
import { MyDataService, type MyDataSources } from './my-data.service'
import { privacyModels } from './privacy.model'
import { PrivacyService } from './privacy.service'

// An export reads every row the member has; a few a quarter-hour is plenty for a person.
const EXPORTS_PER_WINDOW = 5
const EXPORT_WINDOW_MS = 15 * 60_000

export interface PrivacyRouteDeps extends CallerChecks {
  /** the privacy rows (consents, phone unbindings) live in this module's own collections */
  conn: Connection
  /** the export's sources; `members` also answers consent and unbinding */
  services: MyDataSources
}

/** The member's privacy: consent to the guide, 我的数据 export, phone unbinding (docs/privacy.md). */
export function privacyRoutes({ conn, services, tokens, now }: PrivacyRouteDeps): Router {
  const router = new Router({ prefix: '/api' })
  const member = requireMember(tokens, now)
  const privacy = new PrivacyService(privacyModels(conn), services.members)
  const myData = new MyDataService(services, privacy)
  const writeLimit = rateLimit('privacy', { max: 30, windowMs: 60_000, id: byMember })

  router.get('/me/privacy/consent', member, async (ctx) => {
    ctx.body = await privacy.consentStatus(ctx.state.memberId)
  })

  router.post('/me/privacy/consent', member, writeLimit, async (ctx) => {
    const { version } = parseBody(ctx, privacyConsentRequest)
    ctx.body = await privacy.consent(ctx.state.memberId, version, now())
  })

  router.get(
    '/me/data-export',
    member,
    rateLimit('data-export', { max: EXPORTS_PER_WINDOW, windowMs: EXPORT_WINDOW_MS, id: byMember }),
    async (ctx) => {
      const at = now()
      const data = await myData.export(ctx.state.memberId, at)
      const day = at.toISOString().slice(0, 10)
      ctx.set('Content-Disposition', `attachment; filename="my-data-${data.profile.memberNo}-${day}.json"`)
      ctx.body = data
    },
  )

  router.post('/me/phone/unbind', member, writeLimit, async (ctx) => {
    parseBody(ctx, unbindPhoneRequest)
    ctx.body = await privacy.unbindPhone(ctx.state.memberId, now())
  })

  return router
}
