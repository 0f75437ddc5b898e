// Runs when `node-gyp rebuild` fails during `npm ci`: the install goes on, and media tools are started with
// Node's own child_process instead (correct, slower in a large process: app/engine/media/tool-process.ts).
process.stderr.write('vigil-light-spawn: native build failed; ffmpeg will be started with child_process instead. Fix: install a C compiler (Debian: apt-get install build-essential) and run `npm rebuild vigil-light-spawn`\n');
