/**
 * A job store with an empty queue, for tests of what surrounds the queue (the HTTP routes, the
 * invocation's end): every call answers as the SQL store does when there is no work, and a test
 * overrides the calls it watches.
 */
import type { JobStore } from "../job_store.ts";

export function idleJobs(overrides: Partial<JobStore> = {}): JobStore {
  return {
    claim: () => Promise.resolve([]),
    renewLeases: () => Promise.resolve(0),
    finishSites: () => Promise.resolve(0),
    finish: () => Promise.resolve(null),
    release: () => Promise.resolve(0),
    enqueueDue: () => Promise.resolve(0),
    dispatch: () => Promise.resolve(0),
    enqueueResync: () => Promise.reject(new Error("no resync in this test")),
    ...overrides,
  };
}
