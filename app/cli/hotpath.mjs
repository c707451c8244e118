#!/usr/bin/env node
// The `hotpath` executable. Runs the TypeScript sources directly through tsx, so
// `npx hotpath` works right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
