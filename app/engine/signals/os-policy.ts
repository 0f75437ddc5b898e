/**
 * What an exam decides about the OS: how to treat prohibited programs, virtual machines, remote sessions and
 * extra displays, and whether the keyboard lock and the input hook must work for the exam to start. Meant to
 * sit in the exam policy as `os`; every field has a default, so `{}` is valid.
 */
import { z } from 'zod';
import { ProcessPolicy } from './events';
import { ProhibitedRule } from './prohibited-processes';

const Gate = z.enum(['allow', 'warn', 'refuse_to_start']);
export type Gate = z.infer<typeof Gate>;
const Need = z.enum(['required', 'best_effort', 'off']);
export type Need = z.infer<typeof Need>;

export const OsPolicy = z
  .object({
    prohibitedProcesses: ProcessPolicy.default('warn'),
    /** Added to the default list. */
    extraProhibited: z.array(ProhibitedRule).default([]),
    /** Patterns taken off the default list (e.g. 'zoom' for an exam held over Zoom). */
    allowedProcesses: z.array(z.string().min(1)).default([]),
    virtualMachine: Gate.default('warn'),
    remoteSession: Gate.default('refuse_to_start'),
    multipleDisplays: Gate.default('warn'),
    /** native/keyboard-lock: must the OS really block switch and screenshot combos? */
    keyboardLock: Need.default('best_effort'),
    /** uiohook-napi: must combos be observed at OS level? */
    inputHook: Need.default('best_effort'),
  })
  .strict();
export type OsPolicy = z.infer<typeof OsPolicy>;

export function defaultOsPolicy(): OsPolicy {
  return OsPolicy.parse({});
}

/** The rules in force: the defaults minus what the exam allows, plus what it adds. */
export function prohibitedRules(policy: OsPolicy, defaults: readonly ProhibitedRule[]): ProhibitedRule[] {
  const allowed = new Set(policy.allowedProcesses.map((p) => p.toLowerCase()));
  return [...defaults.filter((r) => r.pattern === undefined || !allowed.has(r.pattern)), ...policy.extraProhibited];
}
