/**
 * Reference annotations in the pyannote layout: RTTM speaker turns, UEM scored regions, .lst file lists.
 * Each line is parsed with zod and a bad line is reported with its file and line number.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface Turn {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
  readonly speaker: string;
}

export interface Region {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
}

const seconds = z.coerce.number().finite().nonnegative();
const RttmLine = z.tuple([z.literal('SPEAKER'), z.string(), z.string(), seconds, seconds, z.string(), z.string(), z.string()]).rest(z.string());
const UemLine = z.tuple([z.string(), z.string(), seconds, seconds]);

function lines(path: string): { n: number; fields: string[] }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l, i) => ({ n: i + 1, fields: l.trim().split(/\s+/) }))
    .filter((l) => l.fields[0] !== '' && !l.fields[0]!.startsWith('#'));
}

function parseLine<T>(schema: z.ZodType<T>, path: string, n: number, fields: string[]): T {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw new Error(`${path}:${n}: not a valid line (${parsed.error.issues[0]?.message ?? 'bad fields'})`);
  return parsed.data;
}

export function readRttm(path: string): Turn[] {
  return lines(path).map(({ n, fields }) => {
    const [, uri, , start, duration, , , speaker] = parseLine(RttmLine, path, n, fields);
    return { uri, start, end: start + duration, speaker };
  });
}

export function readUem(path: string): Region[] {
  return lines(path).map(({ n, fields }) => {
    const [uri, , start, end] = parseLine(UemLine, path, n, fields);
    if (end < start) throw new Error(`${path}:${n}: region ends before it starts`);
    return { uri, start, end };
  });
}

export function readList(path: string): string[] {
  return lines(path).map((l) => l.fields[0]!);
}
