#!/usr/bin/env node
// The `vigil-server` command. It runs the TypeScript sources through tsx, so `npx vigil-server` works straight
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli/main.ts');
const code = await run(process.argv.slice(2));
// `start` keeps the process alive through its listening socket; every other command ends here.
if (process.argv[2] !== 'start' || code !== 0) process.exit(code);
