import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring in this process (every isolate: the engine's and its workers').
 *
 * V8 watches where objects are allocated, and when most objects of one allocation site are still alive at a
 * young-generation collection it allocates that site's objects straight in the old generation from then on. The
 * `pg` driver trips it: while a result of some tens of rows is read, a collection finds all its rows alive (the
 * result holds them until its last row), so the sites of rows and of their column arrays are "pretenured". From
 * then on every row is born old. A row dies with its request, milliseconds later, but the young-generation
 * collector cannot know that an old object died (only a full collection learns it), so it keeps whatever the dead
 * row points to (its column strings, allocated young) and promotes it. Every result's rows and strings then went
 * through the old generation: most of what the engine promoted at 10,000 req/s, and so most of its full
 * collections. V8 does not take the decision back: a site allocating in the old generation no longer reports on
 * its objects' lives.
 *
 * Without pretenuring, a site's objects that do live long are copied out of the young generation once or twice
 * more; the L1's entries are the engine's only long-lived objects made in numbers. ARCHITECTURE.md ("Garbage the
 * young generation cannot free") has the measurements.
 */
export function turnOffPretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
