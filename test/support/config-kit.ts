import { bearer, startTestApi, type TestApi } from './api-harness'

export const PASSWORD = 'correct horse battery'

/**
 * The configuration-history tests' app (store H1, operator cfg-operator, clerk cfg-clerk) and their calls, as the
 * operator unless a token is given; `start()` in beforeAll, the calls bound to what it started.
 */
export function configKit() {
  let api: TestApi
  let operator: string
  const get = (path: string, token = operator) => api.http.get(path).set(bearer(token))
  const post = (path: string, body: unknown, token = operator) =>
    api.http
      .post(path)
      .set(bearer(token))
      .send(body as object)
  const put = (path: string, body: unknown, token = operator) =>
    api.http
      .put(path)
      .set(bearer(token))
      .send(body as object)
  const login = (username: string, password = PASSWORD) =>
    api.http.post('/api/staff/auth/login').send({ username, password })
  async function start() {
    api = await startTestApi()
    await api.addStore('H1')
    operator = (await api.loginStaff('cfg-operator', 'operator', null)).accessToken
    const clerk = (await api.loginStaff('cfg-clerk', 'clerk', 'H1')).accessToken
    return { api, operator, clerk }
  }
  return { start, get, post, put, login }
}
