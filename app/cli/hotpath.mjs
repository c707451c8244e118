#!/usr/bin/env node
// The development entry (`npm run hotpath`, `npm start`, the CLI tests): runs the TypeScript sources through tsx,
// so a change needs no build step. The package's `bin` is the compiled dist/cli/hotpath.js (`npm run build:cli`),
// which needs no tsx.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
