import { config } from 'zod'

// WeChat mini-programs forbid `new Function`/eval, which zod uses for its fast object parser.
// `jitless` keeps validation interpreter-only so the same schemas run on the server and in weapp.
// Contracts import `* as z from 'zod'` themselves: re-exporting one `z` object from here would
// defeat tree-shaking and put all of zod (locales included) in the mini-program's main package.
config({ jitless: true })
