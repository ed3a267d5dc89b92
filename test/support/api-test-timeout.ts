// Race rounds of 20+ requests share two cores with other suites' servers: a slow run is not a failure, a hang
// still is. (jest's `testTimeout` is a global option and is not read from a project's config, hence this file.)
jest.setTimeout(30_000)
