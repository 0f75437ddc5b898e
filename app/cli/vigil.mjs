#!/usr/bin/env node
// The `vigil` command. It runs the TypeScript sources directly through tsx, so `npx vigil` works straight
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
