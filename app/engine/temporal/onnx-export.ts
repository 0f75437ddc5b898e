/**
 * Writes the trained network as an ONNX model that onnxruntime-node runs on its own: input `features`
 * [batch, window, columns] of raw values (NaN where not measured), output `score` [batch, 1], the cheating
 * probability. The scaler is folded in (IsNaN/Where fills the training mean, then Sub and Div, then Clip if the scaler clips), so the live
 * scorer feeds toTemporalRow's values as they are.
 *
 * Weight layout: network.ts keeps x·W with W [input, gates*hidden] and gates already in ONNX's order, so the
 * ONNX W is its transpose [1, gates*hidden, input]; the single bias goes into Wb and Rb is zero. ONNX's default
 * activations (Sigmoid, Tanh, Tanh) and GRU's linear_before_reset=0 are the cells' own.
 */
import onnxProto from 'onnx-proto';
import type { TemporalColumn } from '../features/schema';
import { gatesOf } from './config';
import type { NetworkWeights } from './network';
import type { Scaler } from './scaler';

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

export const OPSET = 17;
export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'score';

export interface ExportInfo {
  readonly window: number;
  readonly columns: readonly TemporalColumn[];
  /** Stored in the model's metadata_props beside the weights, for anyone holding only the .onnx file. */
  readonly properties?: Record<string, string>;
}

/** Also the liveness exporter's: one way to write an initializer. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const data = Float32Array.from(values as ArrayLike<number>);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
}

export function int64Tensor(name: string, values: number[]): TensorProto {
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => bytes.writeBigInt64LE(BigInt(v), i * 8));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: bytes });
}

/** [rows, cols] row-major -> [cols, rows] row-major. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

function node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, number> = {}): NodeProto {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name: `${opType}_${outputs.find(Boolean)}`,
    attribute: Object.entries(attributes).map(([name, i]) => onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT })),
  });
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

export function exportOnnx(weights: NetworkWeights, scaler: Scaler, info: ExportInfo): Uint8Array {
  const width = weights.inputSize;
  if (scaler.mean.length !== width || info.columns.length !== width) throw new Error(`scaler (${scaler.mean.length}) and columns (${info.columns.length}) must match the network's input size (${width})`);
  const H = weights.hidden;
  const gates = gatesOf(weights.kind);
  const opType = weights.kind === 'lstm' ? 'LSTM' : 'GRU';
  const clip = scaler.clip ?? null;

  const initializers: TensorProto[] = [
    floatTensor('scaler_mean', [width], scaler.mean),
    floatTensor('scaler_std', [width], scaler.std),
    int64Tensor('axis0', [0]),
    int64Tensor('axis1', [1]),
    floatTensor('dense_W', [H, 1], weights.denseW),
    floatTensor('dense_B', [1], weights.denseB),
  ];
  const nodes: NodeProto[] = [
    node('IsNaN', [INPUT_NAME], ['missing']),
    node('Where', ['missing', 'scaler_mean', INPUT_NAME], ['filled']),
    node('Sub', ['filled', 'scaler_mean'], ['centred']),
    node('Div', ['centred', 'scaler_std'], [clip === null ? 'scaled' : 'unclipped']),
  ];
  if (clip !== null) {
    initializers.push(floatTensor('clip_min', [], [-clip]), floatTensor('clip_max', [], [clip]));
    nodes.push(node('Clip', ['unclipped', 'clip_min', 'clip_max'], ['scaled']));
  }
  nodes.push(
    // ONNX recurrent ops take [steps, batch, input].
    onnx.NodeProto.create({ opType: 'Transpose', input: ['scaled'], output: ['x0'], name: 'Transpose_x0', attribute: [onnx.AttributeProto.create({ name: 'perm', ints: [1, 0, 2], type: onnx.AttributeProto.AttributeType.INTS })] }),
  );

  let x = 'x0';
  weights.layers.forEach((layer, l) => {
    const input = l === 0 ? width : H;
    initializers.push(
      floatTensor(`W${l}`, [1, gates * H, input], transpose(layer.W, input, gates * H)),
      floatTensor(`R${l}`, [1, gates * H, H], transpose(layer.R, H, gates * H)),
      floatTensor(`B${l}`, [1, 2 * gates * H], [...layer.b, ...new Float32Array(gates * H)]),
    );
    const last = l === weights.layers.length - 1;
    const attributes: Record<string, number> = { hidden_size: H };
    if (weights.kind === 'gru') attributes.linear_before_reset = 0;
    if (last) {
      // Y_h [1, batch, H]: the last step's hidden state.
      nodes.push(node(opType, [x, `W${l}`, `R${l}`, `B${l}`], ['', `h${l}`], attributes));
      nodes.push(node('Squeeze', [`h${l}`, 'axis0'], ['last_hidden']));
    } else {
      // Y [steps, 1 direction, batch, H] -> [steps, batch, H] for the next layer.
      nodes.push(node(opType, [x, `W${l}`, `R${l}`, `B${l}`], [`y${l}`], attributes));
      nodes.push(node('Squeeze', [`y${l}`, 'axis1'], [`x${l + 1}`]));
      x = `x${l + 1}`;
    }
  });
  nodes.push(node('Gemm', ['last_hidden', 'dense_W', 'dense_B'], ['logit']));
  nodes.push(node('Sigmoid', ['logit'], [OUTPUT_NAME]));

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'vigil-temporal',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: Object.entries({ columns: info.columns.join(','), window: String(info.window), ...info.properties }).map(([key, value]) => ({ key, value })),
    graph: {
      name: `vigil-temporal-${weights.kind}`,
      node: nodes,
      initializer: initializers,
      input: [valueInfo(INPUT_NAME, ['batch', info.window, width])],
      output: [valueInfo(OUTPUT_NAME, ['batch', 1])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
