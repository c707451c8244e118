// Values the global setup hands to every test file (see global-setup.ts).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the embedded PostgreSQL 18 started for this test run (scram password auth). */
    pg18Url: string;
    /** Superuser URL of the system PostgreSQL 15 on 127.0.0.1:5432 (trust auth). */
    pg15Url: string;
    /** URL of the system Redis on 127.0.0.1:6379. */
    redisUrl: string;
    /** The compiled `hotpath` CLI built for this run (compiled-cli.ts); absent in the unit project, which has no setup. */
    hotpathBin?: string;
  }
}
export {};
