import { readFileSync } from 'node:fs'
import ts from 'typescript'

/**
 * Every member of the real `wx` object, read from WeChat's own type declarations
 * (miniprogram-api-typings, pinned in package.json): the shim answers exactly these names, so a
 * call to something weapp does not have fails here as it would on a phone.
 */
let cached: ReadonlySet<string> | null = null

export function wxApiNames(): ReadonlySet<string> {
  if (cached) return cached
  const file = require.resolve('miniprogram-api-typings/types/wx/lib.wx.api.d.ts')
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  const names = new Set<string>()
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Wx') {
      for (const member of node.members) if (member.name && ts.isIdentifier(member.name)) names.add(member.name.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  if (names.size < 300) throw new Error(`wx API list from ${file} has only ${names.size} names: typings changed shape?`)
  cached = names
  return names
}
