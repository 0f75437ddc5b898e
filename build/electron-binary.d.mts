export declare function findElectronBinary(dir: string): { path: string; reason?: undefined } | { path?: undefined; reason: string };
