// electron-builder afterPack: flips Electron's fuses in the packed app before it is signed, so an installed Vigil
// cannot be turned back into a generic Node runtime or a debuggable app, and runs only the app.asar it shipped
// with (whose integrity Electron checks against the hash embedded at build time).
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** The fuses every Vigil installer carries; build/after-pack.test.ts checks this list. */
export const VIGIL_FUSES = {
  version: FuseVersion.V1,
  // An exam client must not double as `node`: ELECTRON_RUN_AS_NODE would run any script with the app's rights.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS (--require a script) and --inspect would let the candidate run code inside the exam app.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Only the app.asar the institution signed, and only if it is unchanged (trust.json is inside it).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The binary that holds the fuse wire, per platform (macOS: the app bundle; @electron/fuses finds the framework). */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    default:
      return join(appOutDir, packager.executableName);
  }
}

export default async function afterPack(context) {
  const mac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  // The ad-hoc signature (Apple silicon needs one to run) is redone after the binary changes; the real one comes later.
  await flipFuses(electronBinaryPath(context), { ...VIGIL_FUSES, resetAdHocDarwinSignature: mac });
}
