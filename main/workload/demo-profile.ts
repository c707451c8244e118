/**
 * The demo workload profile shipped in assets/. Resolved from this module's own
 * location, so it loads the same from any working directory.
 */
import { fileURLToPath } from 'node:url';
import { loadWorkloadProfile } from './profile-loader.ts';
import type { WorkloadProfile } from './profile-schema.ts';

export const DEMO_PROFILE_PATH: string = fileURLToPath(new URL('../../assets/workloads/demo.yaml', import.meta.url));

export function loadDemoProfile(): Promise<WorkloadProfile> {
  return loadWorkloadProfile(DEMO_PROFILE_PATH);
}
