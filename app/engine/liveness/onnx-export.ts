/**
 * The trained transformer as an ONNX model for onnxruntime-node, written with onnx-proto as the temporal model's
 * exporter does (same opset and tensor helpers): input `evidence` [batch, 12, EVIDENCE_DIM] of raw values (NaN
 * where a value could not be measured), outputs `score` [batch, 1] (probability of a live face) and `confidence`
 * [batch, 1] = |2 score - 1|. The scaler is folded in (IsNaN/Where fill the training mean, then Sub and Div).
 * Every op mirrors network.ts: MatMul/Add for the dense layers, LayerNormalization (epsilon LN_EPSILON), the
 * heads split by Reshape/Transpose, Softmax over the keys, ReduceMean over the frames.
 */
import onnxProto from 'onnx-proto';
import { OPSET, floatTensor, int64Tensor } from '../temporal/onnx-export';
import { LN_EPSILON, type LivenessWeights } from './network';
import type { Scaler } from '../temporal/scaler';

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

import { CONFIDENCE_NAME, INPUT_NAME, SCORE_NAME } from './onnx-names';

type Attr = number | number[] | { float: number };

function node(opType: string, inputs: string[], output: string, attributes: Record<string, Attr> = {}): NodeProto {
  const A = onnx.AttributeProto.AttributeType;
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: [output],
    name: `${opType}_${output}`,
    attribute: Object.entries(attributes).map(([name, v]) =>
      Array.isArray(v) ? onnx.AttributeProto.create({ name, ints: v, type: A.INTS }) : typeof v === 'number' ? onnx.AttributeProto.create({ name, i: v, type: A.INT }) : onnx.AttributeProto.create({ name, f: v.float, type: A.FLOAT }),
    ),
  });
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

export function exportLivenessOnnx(weights: LivenessWeights, scaler: Scaler, properties: Record<string, string> = {}): Uint8Array {
  const { inputSize: D, window: T, embed: E, heads: H, layers } = weights.shape;
  if (scaler.mean.length !== D) throw new Error(`scaler (${scaler.mean.length}) must match the network's input size (${D})`);
  const dh = E / H;
  const initializers: TensorProto[] = [
    floatTensor('scaler_mean', [D], scaler.mean),
    floatTensor('scaler_std', [D], scaler.std),
    int64Tensor('heads_shape', [0, 0, H, dh]),
    int64Tensor('merged_shape', [0, 0, E]),
    floatTensor('attention_scale', [], [1 / Math.sqrt(dh)]),
    floatTensor('two', [], [2]),
    floatTensor('one', [], [1]),
    ...Object.entries(weights.tensors).map(([name, t]) => floatTensor(name, t.dims, t.data)),
  ];
  const nodes: NodeProto[] = [
    node('IsNaN', [INPUT_NAME], 'missing'),
    node('Where', ['missing', 'scaler_mean', INPUT_NAME], 'filled'),
    node('Sub', ['filled', 'scaler_mean'], 'centred'),
    node('Div', ['centred', 'scaler_std'], 'scaled'),
    node('MatMul', ['scaled', 'Wp'], 'projected'),
    node('Add', ['projected', 'bp'], 'projected_b'),
    node('Add', ['projected_b', 'pos'], 'h0'),
  ];
  const dense = (x: string, W: string, b: string, out: string) => nodes.push(node('MatMul', [x, W], `${out}_mm`), node('Add', [`${out}_mm`, b], out));
  const ln = (x: string, g: string, b: string, out: string) => nodes.push(node('LayerNormalization', [x, g, b], out, { axis: -1, epsilon: { float: LN_EPSILON } }));
  let h = 'h0';
  for (let l = 0; l < layers; l++) {
    const p = (name: string) => `l${l}_${name}`;
    ln(h, p('ln1g'), p('ln1b'), p('a'));
    for (const part of ['q', 'k', 'v'] as const) {
      dense(p('a'), p(`W${part}`), p(`b${part}`), p(part));
      nodes.push(node('Reshape', [p(part), 'heads_shape'], p(`${part}_heads`)));
      // q and v as [B, H, T, dh]; k as [B, H, dh, T], so q·k needs no further transpose.
      nodes.push(node('Transpose', [p(`${part}_heads`)], p(`${part}_t`), { perm: part === 'k' ? [0, 2, 3, 1] : [0, 2, 1, 3] }));
    }
    nodes.push(
      node('MatMul', [p('q_t'), p('k_t')], p('logits')),
      node('Mul', [p('logits'), 'attention_scale'], p('scaled_logits')),
      node('Softmax', [p('scaled_logits')], p('attention'), { axis: -1 }),
      node('MatMul', [p('attention'), p('v_t')], p('context')),
      node('Transpose', [p('context')], p('context_t'), { perm: [0, 2, 1, 3] }),
      node('Reshape', [p('context_t'), 'merged_shape'], p('merged')),
    );
    dense(p('merged'), p('Wo'), p('bo'), p('attended'));
    nodes.push(node('Add', [h, p('attended')], p('h_mid')));
    ln(p('h_mid'), p('ln2g'), p('ln2b'), p('f'));
    dense(p('f'), p('W1'), p('b1'), p('ff1'));
    nodes.push(node('Relu', [p('ff1')], p('ff1_relu')));
    dense(p('ff1_relu'), p('W2'), p('b2'), p('ff2'));
    nodes.push(node('Add', [p('h_mid'), p('ff2')], p('h_out')));
    h = p('h_out');
  }
  ln(h, 'lnfg', 'lnfb', 'final');
  nodes.push(node('ReduceMean', ['final'], 'pooled', { axes: [1], keepdims: 0 }));
  dense('pooled', 'Wh', 'bh', 'logit');
  nodes.push(node('Sigmoid', ['logit'], SCORE_NAME), node('Mul', [SCORE_NAME, 'two'], 'twice'), node('Sub', ['twice', 'one'], 'signed'), node('Abs', ['signed'], CONFIDENCE_NAME));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'vigil-liveness',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: Object.entries({ window: String(T), evidenceDim: String(D), ...properties }).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'vigil-liveness-transformer',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(INPUT_NAME, ['batch', T, D])],
      output: [valueInfo(SCORE_NAME, ['batch', 1]), valueInfo(CONFIDENCE_NAME, ['batch', 1])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
