/**
 * Reads a TensorFlow.js graph model (model.json + weight shards) into plain typed data: nodes with decoded
 * attributes and constants with dequantized float32 / int32 values. Untrusted file input, so zod-checked.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { float16ToFloat32 } from './float16';

const AttrValue = z
  .object({
    s: z.string().optional(),
    i: z.union([z.string(), z.number()]).optional(),
    f: z.number().optional(),
    b: z.boolean().optional(),
    type: z.string().optional(),
    list: z.object({ s: z.array(z.string()).optional(), i: z.array(z.union([z.string(), z.number()])).optional(), f: z.array(z.number()).optional() }).partial().optional(),
    shape: z.object({ dim: z.array(z.object({ size: z.union([z.string(), z.number()]) })).optional() }).optional(),
  })
  .passthrough();

const NodeDef = z.object({
  name: z.string(),
  op: z.string(),
  input: z.array(z.string()).optional(),
  attr: z.record(z.string(), AttrValue).optional(),
});

const WeightEntry = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z
    .object({ dtype: z.enum(['float16', 'uint8', 'uint16']), scale: z.number().optional(), min: z.number().optional(), original_dtype: z.string().optional() })
    .optional(),
});

const ModelJson = z.object({
  format: z.string().optional(),
  modelTopology: z.object({ node: z.array(NodeDef) }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(WeightEntry) })),
  signature: z.unknown().optional(),
});

export type Attr = z.infer<typeof AttrValue>;
export interface TfNode {
  name: string;
  op: string;
  inputs: string[];
  attr: Record<string, Attr>;
}
export interface ConstTensor {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}
export interface TfGraph {
  nodes: TfNode[];
  weights: Map<string, ConstTensor>;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

export function readTfjsGraph(modelJsonPath: string): TfGraph {
  const parsed = ModelJson.safeParse(JSON.parse(readFileSync(modelJsonPath, 'utf8')));
  if (!parsed.success) throw new Error(`${modelJsonPath}: not a TensorFlow.js graph model (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const model = parsed.data;
  const weights = new Map<string, ConstTensor>();
  for (const group of model.weightsManifest) {
    const buffer = Buffer.concat(group.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))));
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const stored = w.quantization?.dtype ?? w.dtype;
      const size = count * (BYTES[stored] ?? 4);
      if (offset + size > buffer.length) throw new Error(`${modelJsonPath}: weight ${w.name} runs past the end of its shards`);
      // Copy so the typed array is aligned and owns its memory.
      const bytes = new Uint8Array(buffer.subarray(offset, offset + size));
      offset += size;
      weights.set(w.name, { dtype: w.dtype === 'int32' ? 'int32' : 'float32', shape: w.shape, data: decodeWeight(bytes, w, count) });
    }
  }
  const nodes = model.modelTopology.node.map((n) => ({ name: n.name, op: n.op, inputs: n.input ?? [], attr: n.attr ?? {} }));
  return { nodes, weights };
}

function decodeWeight(bytes: Uint8Array, w: z.infer<typeof WeightEntry>, count: number): Float32Array | Int32Array {
  const q = w.quantization;
  if (!q) {
    if (w.dtype === 'int32') return new Int32Array(bytes.buffer, 0, count);
    if (w.dtype === 'bool') return Int32Array.from(bytes);
    return new Float32Array(bytes.buffer, 0, count);
  }
  if (q.dtype === 'float16') return float16ToFloat32(new Uint16Array(bytes.buffer, 0, count));
  const raw = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.buffer, 0, count);
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (raw[i] ?? 0) * scale + min;
  return w.dtype === 'int32' ? Int32Array.from(out, Math.round) : out;
}

/** Attribute helpers: tfjs stores strings base64-encoded and integers as decimal strings. */
export const attrString = (a: Attr | undefined): string => (a?.s ? Buffer.from(a.s, 'base64').toString('utf8') : '');
export const attrInts = (a: Attr | undefined): number[] => (a?.list?.i ?? []).map(Number);
export const attrStrings = (a: Attr | undefined): string[] => (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
export const attrBool = (a: Attr | undefined): boolean => a?.b === true;
export const attrFloat = (a: Attr | undefined): number => Number(a?.f ?? 0);
export const attrInt = (a: Attr | undefined): number => Number(a?.i ?? 0);
export const attrShape = (a: Attr | undefined): number[] => (a?.shape?.dim ?? []).map((d) => Number(d.size));
