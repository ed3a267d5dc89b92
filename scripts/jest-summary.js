// Prints jest's result as the plain `N passed, N failed` line CI reads. A suite that crashes on
// import is counted as a failure (jest reports it only in numRuntimeErrorTestSuites).
const fs = require('fs')
const file = process.argv[2]
if (!file || !fs.existsSync(file)) {
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'))
const failed = r.numFailedTests + r.numRuntimeErrorTestSuites
const skipped = r.numPendingTests + r.numTodoTests
console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
