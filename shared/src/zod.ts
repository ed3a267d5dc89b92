import { z } from 'zod'

// WeChat mini-programs forbid `new Function`/eval, which zod uses for its fast object parser.
// `jitless` keeps validation interpreter-only so the same schemas run on the server and in weapp.
z.config({ jitless: true })

export { z }
