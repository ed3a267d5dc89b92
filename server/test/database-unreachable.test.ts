import mongoose from 'mongoose'
import { isDatabaseUnreachable } from '../src/db/db-health'

const { MongoNetworkError, MongoServerError, MongoBulkWriteError } = mongoose.mongo

/** Socket errors as Node raises them, with the frames of whoever wrote to the socket. */
function socketError(code: string, frames: string[]): Error {
  const err = Object.assign(new Error('This socket has been ended by the other party'), { code })
  err.stack = [`Error: ${err.message}`, ...frames.map((f) => `    at ${f}`)].join('\n')
  return err
}

describe('isDatabaseUnreachable', () => {
  it("reads the driver's network errors, also wrapped in a bulk write's failure as a whole", () => {
    const network = new MongoNetworkError('connection 8 to 127.0.0.1:38225 closed')
    expect(isDatabaseUnreachable(network)).toBe(true)
    const bulk = new MongoBulkWriteError(network, {} as never)
    expect(bulk.writeErrors).toEqual([])
    expect(isDatabaseUnreachable(bulk)).toBe(true)
  })

  it('reads a socket error the driver let through unwrapped (EPIPE after the database was killed)', () => {
    const driver = socketError('EPIPE', [
      'Socket.writeAfterFIN [as write] (node:net:566:14)',
      'Connection.writeCommand (/app/node_modules/mongodb/lib/cmap/connection.js:392:25)',
    ])
    expect(isDatabaseUnreachable(driver)).toBe(true)
  })

  it("does not take other parties' failures or the database's refusals for an outage", () => {
    const wechat = socketError('EPIPE', ['Socket.writeAfterFIN (node:net:566:14)', 'fetch (node:internal/deps/undici)'])
    expect(isDatabaseUnreachable(wechat)).toBe(false)
    expect(isDatabaseUnreachable(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBe(false)
    const refused = new MongoBulkWriteError(
      { message: 'write errors', code: 11000, writeErrors: [{ index: 0, code: 11000 }] } as never,
      {} as never,
    )
    expect(isDatabaseUnreachable(refused)).toBe(false)
  })
})
