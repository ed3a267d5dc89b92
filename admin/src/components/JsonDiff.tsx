import { useMemo } from 'react'
import { prettyJson } from '../ui'

type Row = { left: string | null; right: string | null; changed: boolean }

/** Line-level LCS alignment of two short texts (rule sections are a few hundred lines at most). */
export function alignLines(a: string[], b: string[]): Row[] {
  const n = a.length
  const m = b.length
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  const rows: Row[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      rows.push({ left: a[i]!, right: b[j]!, changed: false })
      i++
      j++
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      rows.push({ left: null, right: b[j]!, changed: true })
      j++
    } else {
      rows.push({ left: a[i]!, right: null, changed: true })
      i++
    }
  }
  return pairChanges(rows)
}

/** A run of deletions followed by additions is shown side by side (a modified line stays on one row). */
function pairChanges(rows: Row[]): Row[] {
  const out: Row[] = []
  for (let k = 0; k < rows.length;) {
    if (!rows[k]!.changed) {
      out.push(rows[k++]!)
      continue
    }
    const lefts: string[] = []
    const rights: string[] = []
    for (; k < rows.length && rows[k]!.changed; k++) {
      const r = rows[k]!
      if (r.left !== null) lefts.push(r.left)
      if (r.right !== null) rights.push(r.right)
    }
    for (let t = 0; t < Math.max(lefts.length, rights.length); t++)
      out.push({ left: lefts[t] ?? null, right: rights[t] ?? null, changed: true })
  }
  return out
}

/** Side-by-side before/after JSON with changed lines highlighted. */
export function JsonDiff({ before, after }: { before: unknown; after: unknown }) {
  const rows = useMemo(() => alignLines(prettyJson(before).split('\n'), prettyJson(after).split('\n')), [before, after])
  const changes = rows.filter((r) => r.changed).length
  return (
    <div className='diff' data-testid='rules-diff'>
      <div className='diff-head'>
        <span>修改前</span>
        <span>修改后{changes === 0 ? '（无变化）' : `（${changes} 行变化）`}</span>
      </div>
      <div className='diff-body'>
        {rows.map((r, k) => (
          <div className='diff-row' key={k}>
            <pre className={r.changed && r.left !== null ? 'del' : r.left === null ? 'gap' : undefined}>
              {r.left ?? ''}
            </pre>
            <pre className={r.changed && r.right !== null ? 'add' : r.right === null ? 'gap' : undefined}>
              {r.right ?? ''}
            </pre>
          </div>
        ))}
      </div>
    </div>
  )
}
