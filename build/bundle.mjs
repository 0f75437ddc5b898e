// Bundles every process with esbuild: the renderer for the browser, the engine and both shells for Node or
// Electron. Dependencies stay external (native modules cannot be bundled); the renderer bundles everything.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const quiet = process.argv.includes('--quiet');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'renderer'), { recursive: true });
mkdirSync(join(dist, 'console'), { recursive: true });

const node = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', sourcemap: 'linked', logLevel: 'warning' };
const started = Date.now();
await Promise.all([
  build({ ...node, entryPoints: [join(root, 'app/engine/main.ts')], outfile: join(dist, 'engine.mjs') }),
  build({ ...node, entryPoints: [join(root, 'app/browser-shell/main.ts')], outfile: join(dist, 'browser-shell.mjs') }),
  build({ ...node, entryPoints: [join(root, 'app/main.ts')], outfile: join(dist, 'main.mjs'), external: ['electron'] }),
  // Sandboxed preloads must be a single CommonJS file that requires nothing but electron.
  build({ ...node, packages: undefined, format: 'cjs', entryPoints: [join(root, 'app/preload.ts')], outfile: join(dist, 'preload.cjs'), external: ['electron'] }),
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, entryPoints: [join(root, 'app/browser-shell/bridge.ts')], outfile: join(dist, 'browser-bridge.js'), logLevel: 'warning' }),
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'esm', minify: true, sourcemap: 'linked', jsx: 'automatic', entryPoints: [join(root, 'renderer/main.tsx')], outfile: join(dist, 'renderer/main.js'), define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'warning' }),
  // The invigilator console, served by vigil-server at / (server/api/console-static.ts).
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'esm', minify: true, sourcemap: 'linked', jsx: 'automatic', entryPoints: [join(root, 'server/console/main.tsx')], outfile: join(dist, 'console/main.js'), define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'warning' }),
]);
// The vision worker is plain JavaScript loaded by URL beside the engine (worker threads get no bundler or loader).
cpSync(join(root, 'app/engine/vision/model-worker.mjs'), join(dist, 'model-worker.mjs'));
// The shipped temporal-liveness model, found beside the bundled engine (app/engine/liveness/model.ts).
for (const file of ['model.onnx', 'metadata.json', 'MODEL_CARD.md']) cpSync(join(root, 'app/engine/liveness/default', file), join(dist, 'liveness-default', file));
cpSync(join(root, 'renderer/index.html'), join(dist, 'renderer/index.html'));
cpSync(join(root, 'renderer/styles.css'), join(dist, 'renderer/styles.css'));
cpSync(join(root, 'renderer/styles.css'), join(dist, 'console/styles.css'));
cpSync(join(root, 'server/console/index.html'), join(dist, 'console/index.html'));
cpSync(join(root, 'server/console/console.css'), join(dist, 'console/console.css'));
if (!quiet) process.stdout.write(`built dist/ in ${Date.now() - started} ms\n`);
