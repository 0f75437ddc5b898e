// Runs when `node-gyp rebuild` fails during `npm ci`: the install goes on (the rest of Vigil works without the
// lock) and the loader reports the lock as unavailable with the same fix printed here.
const fix =
  process.platform === 'linux'
    ? 'install the X11 headers (Debian: apt-get install libx11-dev) and run `npm rebuild vigil-keyboard-lock`'
    : 'install the platform build tools (Windows: Visual Studio Build Tools; macOS: Xcode command line tools) and run `npm rebuild vigil-keyboard-lock`';
process.stderr.write(`vigil-keyboard-lock: native build failed; the keyboard lock will report itself unavailable. Fix: ${fix}\n`);
