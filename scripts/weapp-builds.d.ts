// Types of scripts/weapp-builds.js for the weapp test lane (test/weapp/support/lane-build.ts).
import type { SpawnSyncReturns } from 'node:child_process'

export type WeappBuildMode = 'production' | 'development'
export const BUILD_ENV: Record<WeappBuildMode, Record<string, string>>
export function taroBuild(mode: WeappBuildMode, outputDir: string): SpawnSyncReturns<string>
export function sourceFingerprint(mode: WeappBuildMode): string
export function outputHash(dir: string): string
export function recordedDevelopmentBuild(): string | null
