// Values that test/support/global-setup.ts hands to test files through vitest's provide/inject.
export {}; // makes this file a module, so the block below augments 'vitest' instead of replacing it

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis every test file shares; isolate keys with uniquePrefix() from test/support/redis.ts. */
    redisUrl: string;
  }
}
