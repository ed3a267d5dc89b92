// database-kill.test.ts imports the server process from here; the class lives in test/support/server-process.ts.
export { freePort, ServerProcess } from '../support/server-process'
