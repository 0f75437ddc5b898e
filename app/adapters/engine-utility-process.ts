/** Runs the engine in an Electron utilityProcess and gives the shell a Transport to it. */
import { utilityProcess } from 'electron';
import { utilityProcessTransport, type EngineUtilityProcess } from './utility-process-transport';

export type { EngineUtilityProcess } from './utility-process-transport';

export function startEngineUtilityProcess(entry: string, env: NodeJS.ProcessEnv): EngineUtilityProcess {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Vigil engine', env, stdio: 'inherit' });
  return utilityProcessTransport({
    postMessage: (message, transfer) => child.postMessage(message, transfer),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', listener),
    kill: () => void child.kill(),
  });
}
