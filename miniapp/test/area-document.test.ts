jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock({}))

import { documentOf, isRightDocument, keepPageInItsDocument, routeOf } from '../src/lib/area-document'

/** H5: staff pages in the /staff/ document (camera allowed), member pages outside it. */
function at(pathname: string, hash: string, search = '') {
  const replaced: string[] = []
  return { location: { pathname, search, hash, replace: (url: string) => replaced.push(url) }, replaced }
}

describe('area documents', () => {
  it('names the document of each area', () => {
    expect(documentOf('/staff/pages/award/index')).toBe('/staff/')
    expect(documentOf('/pages/index/index')).toBe('/')
    expect(documentOf(routeOf(''))).toBe('/')
    expect(isRightDocument('/index.html', '/pages/me/index')).toBe(true)
    expect(isRightDocument('/staff/', '/pages/me/index')).toBe(false)
    expect(isRightDocument('/', '/staff/pages/login/index')).toBe(false)
  })

  it('moves a staff page out of the member document, with its query', () => {
    const { location, replaced } = at('/', '#/staff/pages/award/index?code=1')
    expect(keepPageInItsDocument(location)).toBe(true)
    expect(replaced).toEqual(['/staff/#/staff/pages/award/index?code=1'])
  })

  it('moves a member page out of the staff document', () => {
    const { location, replaced } = at('/staff/', '#/pages/login/index', '?inviter=M1')
    expect(keepPageInItsDocument(location)).toBe(true)
    expect(replaced).toEqual(['/?inviter=M1#/pages/login/index'])
    const bare = at('/staff/', '')
    keepPageInItsDocument(bare.location)
    expect(bare.replaced).toEqual(['/'])
  })

  it('leaves a page in its own document alone', () => {
    for (const [pathname, hash] of [
      ['/', '#/pages/index/index'],
      ['/', ''],
      ['/index.html', '#/pages/me/index'],
      ['/staff/', '#/staff/pages/home/index'],
    ] as const) {
      const { location, replaced } = at(pathname, hash)
      expect(keepPageInItsDocument(location)).toBe(false)
      expect(replaced).toEqual([])
    }
  })
})
