/**
 * Converts a TensorFlow.js graph (NHWC) to an ONNX graph (NCHW inside, NHWC at the edges).
 *
 * Why the layout tracking: ONNX convolutions and pools are NCHW. Rather than wrapping every convolution in a pair of
 * transposes, each value carries its physical layout; 4-D activations stay NCHW from the input transpose to the
 * first op that needs TensorFlow's order (Reshape, an output), where one transpose restores it. Shapes are tracked
 * in TensorFlow's logical (NHWC) order so that SAME padding becomes explicit pads and resizes become scales.
 */
import onnxProto from 'onnx-proto';
import { attrBool, attrFloat, attrInt, attrInts, attrShape, attrString, attrStrings, type ConstTensor, type TfGraph, type TfNode } from './tfjs-graph';

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

export const OPSET = 17;
export const CONVERTER_VERSION = '3';

export interface ConvertOptions {
  /** Graph name written into the model. */
  name: string;
  /** Output node names; default: every non-Const node nothing consumes (what tfjs `execute()` returns). */
  outputs?: string[];
  /** The graph's input is NCHW already (graphs that came from ONNX through onnx-tf): it is taken as it is. */
  nchwInput?: boolean;
  /** Fixes an input with dynamic height and width (MoveNet MultiPose takes [1,-1,-1,3]) so shapes can be tracked. */
  inputShape?: number[];
}

interface Value {
  /** ONNX value name, or null for a constant not (yet) emitted. */
  name: string | null;
  /** Logical TensorFlow shape (NHWC for 4-D); -1 for the batch dimension. */
  shape: number[];
  layout: 'nchw' | 'plain';
  constant?: ConstTensor;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

export function defaultOutputs(graph: TfGraph): string[] {
  const consumed = new Set(graph.nodes.flatMap((n) => n.inputs.map((i) => i.replace(/^\^/, '').replace(/:\d+$/, ''))));
  return graph.nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && !consumed.has(n.name)).map((n) => n.name);
}

export interface TensorInfo {
  name: string;
  /** NHWC for images, as TensorFlow.js has them; -1 is the dynamic batch. */
  shape: number[];
}
export interface Converted {
  bytes: Uint8Array;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export function convertGraph(graph: TfGraph, options: ConvertOptions): Converted {
  return new Converter(graph).run(options);
}

class Converter {
  private readonly byName = new Map<string, TfNode>();
  private readonly values = new Map<string, Value>();
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly used = new Set<string>();

  private nchwInput = false;
  private inputShape: number[] | undefined;

  constructor(private readonly graph: TfGraph) {
    for (const n of graph.nodes) this.byName.set(n.name, n);
  }

  run(options: ConvertOptions): Converted {
    this.nchwInput = options.nchwInput === true;
    this.inputShape = options.inputShape;
    const outputNames = options.outputs ?? defaultOutputs(this.graph);
    const infos: TensorInfo[] = [];
    const outputs = outputNames.map((name) => {
      const value = this.toPlain(this.resolve(name));
      const outName = sanitize(name);
      // An output cut at a 4-D value: its TensorFlow name already names the NCHW tensor inside; that one moves aside.
      if (this.nameOf(value) !== outName && this.used.has(outName)) this.rename(outName, `${outName}__nchw`);
      if (this.nameOf(value) !== outName) this.emit('Identity', [this.nameOf(value)], [outName]);
      infos.push({ name: outName, shape: value.shape });
      return makeValueInfo(outName, value.shape);
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'vigil-convert',
      producerVersion: CONVERTER_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: { name: options.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: outputs },
    });
    const inputs = this.inputs.map((i) => ({ name: i.name, shape: (i.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? -1 : Number(d.dimValue))) }));
    return { bytes: onnx.ModelProto.encode(model).finish(), inputs, outputs: infos };
  }

  // ---- graph walking -------------------------------------------------------------------------------------------

  private resolve(ref: string): Value {
    const name = ref.replace(/^\^/, '');
    const cached = this.values.get(name);
    if (cached) return cached;
    const [nodeName, port] = name.includes(':') ? [name.slice(0, name.lastIndexOf(':')), Number(name.slice(name.lastIndexOf(':') + 1))] : [name, 0];
    if (port !== 0) throw new Error(`output ${port} of ${nodeName} is not supported`);
    const node = this.byName.get(nodeName);
    if (!node) throw new Error(`unknown node ${nodeName}`);
    const value = this.convertNode(node);
    this.values.set(name, value);
    return value;
  }

  private convertNode(node: TfNode): Value {
    const ins = () => node.inputs.filter((i) => !i.startsWith('^')).map((i) => this.resolve(i));
    const out = sanitize(node.name);
    switch (node.op) {
      case 'Const': {
        const c = this.graph.weights.get(node.name);
        if (!c) throw new Error(`constant ${node.name} has no weights`);
        return { name: null, shape: c.shape, layout: 'plain', constant: c };
      }
      case 'Placeholder': {
        const shape = this.inputShape ?? attrShape(node.attr.shape).map((d) => (d < 0 ? -1 : d));
        // Only the batch may stay dynamic: pads and resize scales are computed from the other dimensions.
        if (shape.slice(1).some((d) => d < 0)) throw new Error(`${node.name}: input shape [${shape.join(',')}] is dynamic beyond the batch (give inputShape)`);
        this.inputs.push(makeValueInfo(node.name, shape));
        this.used.add(node.name);
        const value: Value = { name: node.name, shape, layout: 'plain' };
        return shape.length === 4 && !this.nchwInput ? this.toNchw(value) : value;
      }
      case 'Transpose':
        return this.transpose(node, ins(), out);
      case 'LeakyRelu': {
        const x = must(ins()[0], node);
        this.emit('LeakyRelu', [this.nameOf(x)], [out], { alpha: { float: attrFloat(node.attr.alpha) } });
        return { ...x, name: out, constant: undefined };
      }
      case 'Identity':
        return must(ins()[0], node);
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative':
        return this.conv(node, ins(), out);
      case 'MaxPool':
      case 'AvgPool':
        return this.pool(node, must(ins()[0], node), out);
      case 'Pad':
      case 'PadV2':
        return this.pad(node, ins(), out);
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul':
      case 'RealDiv':
      case 'Minimum':
      case 'Maximum':
        return this.binary(node, ins(), out);
      case 'Relu':
      case 'Abs':
      case 'Sigmoid':
      case 'Tanh': {
        const x = must(ins()[0], node);
        this.emit(node.op, [this.nameOf(x)], [out]);
        return { ...x, name: out, constant: undefined };
      }
      case 'Relu6': {
        const x = must(ins()[0], node);
        this.emit('Clip', [this.nameOf(x), this.scalar(0), this.scalar(6)], [out]);
        return { ...x, name: out, constant: undefined };
      }
      case 'Prelu': {
        const [x, alpha] = ins();
        return this.prelu(must(x, node), must(alpha, node), out);
      }
      case 'Softmax': {
        const x = must(ins()[0], node);
        this.emit('Softmax', [this.nameOf(x)], [out], { axis: x.layout === 'nchw' ? 1 : -1 });
        return { ...x, name: out, constant: undefined };
      }
      case 'Reshape':
        return this.reshape(node, ins(), out);
      case 'ConcatV2':
        return this.concat(node, ins(), out);
      case 'Mean':
        return this.mean(node, ins(), out);
      case 'ResizeBilinear':
        return this.resize(node, ins(), out);
      case 'MatMul':
      case '_FusedMatMul':
        return this.matmul(node, ins(), out);
      case 'Cast':
        return this.cast(node, must(ins()[0], node), out);
      case 'Shape':
        return shapeOf(node, must(ins()[0], node));
      case 'StridedSlice':
        return { name: null, shape: [], layout: 'plain', constant: stridedSlice1d(node, ins()) };
      default:
        throw new Error(`unsupported op ${node.op} (${node.name})`);
    }
  }

  // ---- ops -------------------------------------------------------------------------------------------------------

  private conv(node: TfNode, inputs: Value[], out: string): Value {
    const [xIn, filter, ...args] = inputs;
    if (!xIn || !filter?.constant) throw new Error(`${node.name}: convolution needs a constant filter`);
    const x = this.toNchw(xIn);
    const depthwise = node.op.includes('Depthwise');
    const [kh, kw, cin, cm] = filter.shape as [number, number, number, number];
    const strides = attrInts(node.attr.strides);
    const dilations = attrInts(node.attr.dilations);
    const [sh, sw, dh, dw] = [strides[1] ?? 1, strides[2] ?? 1, dilations[1] ?? 1, dilations[2] ?? 1];
    const [n, h, w] = x.shape as [number, number, number, number];
    const pads = this.padsFor(node, h, w, kh, kw, sh, sw, dh, dw);
    const weight = depthwise ? depthwiseToOnnx(filter.constant) : hwioToOihw(filter.constant);
    const cout = depthwise ? cin * cm : cm;
    const conv = { kernel_shape: [kh, kw], strides: [sh, sw], dilations: [dh, dw], pads, group: depthwise ? cin : 1 };
    const fused = attrStrings(node.attr.fused_ops);
    const hasBias = fused[0] === 'BiasAdd';
    const convInputs = [this.nameOf(x), this.initializer(`${out}__w`, weight)];
    if (hasBias) convInputs.push(this.initializer(`${out}__b`, must(args[0], node).constant ?? fail(`${node.name}: bias must be constant`)));
    const activation = fused.slice(hasBias ? 1 : 0);
    const convOut = activation.length ? `${out}__conv` : out;
    this.emit('Conv', convInputs, [convOut], conv);
    const oh = Math.floor((h + pads[0]! + pads[2]! - (dh * (kh - 1) + 1)) / sh) + 1;
    const ow = Math.floor((w + pads[1]! + pads[3]! - (dw * (kw - 1) + 1)) / sw) + 1;
    const value: Value = { name: convOut, shape: [n, oh, ow, cout], layout: 'nchw' };
    return this.activation(node, activation, value, args.slice(hasBias ? 1 : 0), out);
  }

  private activation(node: TfNode, ops: string[], x: Value, args: Value[], out: string): Value {
    if (ops.length === 0) return x;
    if (ops.length > 1) throw new Error(`${node.name}: fused ops ${ops.join('+')} not supported`);
    const op = ops[0];
    if (op === 'Relu') this.emit('Relu', [this.nameOf(x)], [out]);
    else if (op === 'Relu6') this.emit('Clip', [this.nameOf(x), this.scalar(0), this.scalar(6)], [out]);
    else if (op === 'Prelu') return this.prelu(x, must(args[0], node), out);
    else throw new Error(`${node.name}: fused activation ${op} not supported`);
    return { ...x, name: out };
  }

  /**
   * PReLU as (1 - slope) * relu(x) + slope * x, equal to it up to float rounding. Why not ONNX PRelu: onnxruntime
   * runs a per-channel PRelu one element at a time (about 4 ns each), which made it 55-60 % of FaceMesh and Iris;
   * Relu, Mul and Add by a per-channel constant are vectorized, and the models run 2.3x faster.
   */
  private prelu(x: Value, alpha: Value, out: string): Value {
    const a = alpha.constant ?? fail(`${out}: PReLU slope must be constant`);
    const slope = x.layout === 'nchw' ? toNchwBroadcast(a) : a;
    const complement: ConstTensor = { dtype: 'float32', shape: slope.shape, data: Float32Array.from(slope.data, (s) => 1 - s) };
    const relu = this.unique(`${out}__relu`);
    const positive = this.unique(`${out}__positive`);
    const negative = this.unique(`${out}__negative`);
    this.emit('Relu', [this.nameOf(x)], [relu]);
    this.emit('Mul', [relu, this.initializer(`${out}__one_minus_alpha`, complement)], [positive]);
    this.emit('Mul', [this.nameOf(x), this.initializer(`${out}__alpha`, slope)], [negative]);
    this.emit('Add', [positive, negative], [out]);
    return { ...x, name: out, constant: undefined };
  }

  /** TensorFlow SAME pads more at the end when the total is odd: exactly ONNX's pads [top, left, bottom, right]. */
  private padsFor(node: TfNode, h: number, w: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number): number[] {
    const padding = attrString(node.attr.padding);
    if (padding === 'VALID') return [0, 0, 0, 0];
    if (padding === 'EXPLICIT') {
      const e = attrInts(node.attr.explicit_paddings);
      return [e[2] ?? 0, e[4] ?? 0, e[3] ?? 0, e[5] ?? 0];
    }
    if (padding !== 'SAME') throw new Error(`${node.name}: padding ${padding} not supported`);
    const same = (size: number, k: number, s: number, d: number) => {
      const total = Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)] as const;
    };
    const [t, b] = same(h, kh, sh, dh);
    const [l, r] = same(w, kw, sw, dw);
    return [t, l, b, r];
  }

  private pool(node: TfNode, xIn: Value, out: string): Value {
    const x = this.toNchw(xIn);
    const k = attrInts(node.attr.ksize);
    const s = attrInts(node.attr.strides);
    const [kh, kw, sh, sw] = [k[1] ?? 1, k[2] ?? 1, s[1] ?? 1, s[2] ?? 1];
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const pads = this.padsFor(node, h, w, kh, kw, sh, sw, 1, 1);
    // Why count_include_pad=0: TensorFlow's AvgPool with SAME averages only over real pixels.
    const attrs: Record<string, number | number[]> = { kernel_shape: [kh, kw], strides: [sh, sw], pads };
    if (node.op === 'AvgPool') attrs.count_include_pad = 0;
    this.emit(node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [this.nameOf(x)], [out], attrs);
    const oh = Math.floor((h + pads[0]! + pads[2]! - kh) / sh) + 1;
    const ow = Math.floor((w + pads[1]! + pads[3]! - kw) / sw) + 1;
    return { name: out, shape: [n, oh, ow, c], layout: 'nchw' };
  }

  private pad(node: TfNode, inputs: Value[], out: string): Value {
    const [x, p, fill] = inputs;
    const paddings = Array.from(must(p, node).constant?.data ?? fail(`${node.name}: paddings must be constant`));
    const xv = must(x, node);
    const rank = xv.shape.length;
    const pairs = Array.from({ length: rank }, (_, i) => [paddings[2 * i] ?? 0, paddings[2 * i + 1] ?? 0] as const);
    const order = xv.layout === 'nchw' ? NHWC_TO_NCHW : pairs.map((_, i) => i);
    const onnxPads = [...order.map((i) => pairs[i]![0]), ...order.map((i) => pairs[i]![1])];
    const padInputs = [this.nameOf(xv), this.initializer(`${out}__pads`, int64Tensor(onnxPads))];
    // PadV2 pads with a value of its own (NanoDet's max-pool pads with -inf-like values).
    if (fill) padInputs.push(this.initializer(`${out}__value`, { dtype: 'float32', shape: [], data: Float32Array.of(fill.constant?.data[0] ?? fail(`${node.name}: pad value must be constant`)) }));
    this.emit('Pad', padInputs, [out], { mode: 'constant' });
    const shape = xv.shape.map((d, i) => (d < 0 ? d : d + pairs[i]![0] + pairs[i]![1]));
    return { name: out, shape, layout: xv.layout };
  }

  /**
   * A transpose that only moves between NHWC and NCHW is free: the value keeps its bytes and changes its layout tag
   * (graphs from onnx-tf wrap every convolution in such a pair). Any other permutation is emitted as it is.
   */
  private transpose(node: TfNode, inputs: Value[], out: string): Value {
    const [x0, p] = inputs;
    const x = must(x0, node);
    const perm = Array.from(must(p, node).constant?.data ?? fail(`${node.name}: perm must be constant`));
    const shape = perm.map((i) => x.shape[i]!);
    const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
    if (!x.constant && x.shape.length === 4) {
      if (x.layout === 'plain' && same(perm, NCHW_TO_NHWC)) return { name: this.nameOf(x), shape, layout: 'nchw' };
      if (x.layout === 'nchw' && same(perm, NHWC_TO_NCHW)) return { name: this.nameOf(x), shape, layout: 'plain' };
    }
    const plain = this.toPlain(x);
    if (plain.constant) return { name: null, shape, layout: 'plain', constant: transposeConst(plain.constant, perm) };
    this.emit('Transpose', [this.nameOf(plain)], [out], { perm });
    return { name: out, shape, layout: 'plain' };
  }

  private binary(node: TfNode, inputs: Value[], out: string): Value {
    const [a0, b0] = inputs.map((v) => must(v, node));
    let a = must(a0, node);
    let b = must(b0, node);
    if (a.constant && b.constant) return { name: null, shape: broadcastShape(a.shape, b.shape), layout: 'plain', constant: foldBinary(node.op, a.constant, b.constant) };
    const layout = a.layout === 'nchw' || b.layout === 'nchw' ? 'nchw' : 'plain';
    if (layout === 'nchw') {
      a = a.constant ? { ...a, constant: toNchwBroadcast(a.constant) } : this.toNchw(a);
      b = b.constant ? { ...b, constant: toNchwBroadcast(b.constant) } : this.toNchw(b);
    }
    const op = { Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Minimum: 'Min', Maximum: 'Max' }[node.op] as string;
    this.emit(op, [this.nameOf(a, `${out}__a`), this.nameOf(b, `${out}__b`)], [out]);
    return { name: out, shape: broadcastShape(a0!.shape, b0!.shape), layout };
  }

  private reshape(node: TfNode, inputs: Value[], out: string): Value {
    const [x0, s] = inputs;
    const target = Array.from(must(s, node).constant?.data ?? fail(`${node.name}: shape must be constant`));
    const x = this.toPlain(must(x0, node));
    const known = x.shape.slice(1).reduce((p, d) => p * d, 1);
    const shape = resolveReshape(target, x.shape, known);
    if (x.constant) return { name: null, shape, layout: 'plain', constant: { ...x.constant, shape } };
    this.emit('Reshape', [this.nameOf(x), this.initializer(`${out}__shape`, int64Tensor(target))], [out]);
    return { name: out, shape, layout: 'plain' };
  }

  private concat(node: TfNode, inputs: Value[], out: string): Value {
    const axisValue = inputs[inputs.length - 1]?.constant?.data[0];
    if (axisValue === undefined) throw new Error(`${node.name}: axis must be constant`);
    const parts = inputs.slice(0, -1);
    const rank = parts[0]!.shape.length;
    const axis = axisValue < 0 ? axisValue + rank : axisValue;
    const nchw = rank === 4 && parts.some((p) => p.layout === 'nchw');
    const converted = parts.map((p) => (nchw ? this.toNchw(p) : this.toPlain(p)));
    const onnxAxis = nchw ? NHWC_TO_NCHW.indexOf(axis) : axis;
    this.emit('Concat', converted.map((p, i) => this.nameOf(p, `${out}__c${i}`)), [out], { axis: onnxAxis });
    const shape = [...parts[0]!.shape];
    shape[axis] = parts.reduce((sum, p) => sum + (p.shape[axis] ?? 0), 0);
    return { name: out, shape, layout: nchw ? 'nchw' : 'plain' };
  }

  private mean(node: TfNode, inputs: Value[], out: string): Value {
    const [x, ax] = inputs;
    const xv = must(x, node);
    const rank = xv.shape.length;
    const axes = Array.from(must(ax, node).constant?.data ?? fail(`${node.name}: axes must be constant`)).map((a) => (a < 0 ? a + rank : a));
    const keep = attrBool(node.attr.keep_dims);
    // Dropping H and W from NCHW leaves [N, C]: the same order TensorFlow gives, so no transpose is needed.
    const spatialOnly = xv.layout === 'nchw' && axes.length === 2 && axes.includes(1) && axes.includes(2);
    const src = xv.layout === 'nchw' && !keep && !spatialOnly ? this.toPlain(xv) : xv;
    const onnxAxes = src.layout === 'nchw' ? axes.map((a) => NHWC_TO_NCHW.indexOf(a)) : axes;
    this.emit('ReduceMean', [this.nameOf(src)], [out], { axes: onnxAxes, keepdims: keep ? 1 : 0 });
    const shape = keep ? xv.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : xv.shape.filter((_, i) => !axes.includes(i));
    return { name: out, shape, layout: keep ? src.layout : 'plain' };
  }

  private resize(node: TfNode, inputs: Value[], out: string): Value {
    const [x0, size] = inputs;
    const x = this.toNchw(must(x0, node));
    const [oh, ow] = Array.from(must(size, node).constant?.data ?? fail(`${node.name}: size must be constant`)) as [number, number];
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const mode = attrBool(node.attr.align_corners) ? 'align_corners' : attrBool(node.attr.half_pixel_centers) ? 'half_pixel' : 'asymmetric';
    const scales = this.initializer(`${out}__scales`, { dtype: 'float32', shape: [4], data: Float32Array.from([1, 1, oh / h, ow / w]) });
    this.emit('Resize', [this.nameOf(x), '', scales], [out], { mode: 'linear', coordinate_transformation_mode: mode });
    return { name: out, shape: [n, oh, ow, c], layout: 'nchw' };
  }

  private matmul(node: TfNode, inputs: Value[], out: string): Value {
    const [a0, b, ...args] = inputs;
    const a = this.toPlain(must(a0, node));
    const bc = must(b, node).constant ?? fail(`${node.name}: right operand must be constant`);
    const transA = attrBool(node.attr.transpose_a) ? 1 : 0;
    const transB = attrBool(node.attr.transpose_b) ? 1 : 0;
    const fused = attrStrings(node.attr.fused_ops);
    const hasBias = fused[0] === 'BiasAdd';
    const gemmInputs = [this.nameOf(a), this.initializer(`${out}__w`, bc)];
    if (hasBias) gemmInputs.push(this.initializer(`${out}__b`, must(args[0], node).constant ?? fail(`${node.name}: bias must be constant`)));
    const activation = fused.slice(hasBias ? 1 : 0);
    const gemmOut = activation.length ? `${out}__gemm` : out;
    this.emit('Gemm', gemmInputs, [gemmOut], { transA, transB });
    const units = transB ? bc.shape[0]! : bc.shape[1]!;
    return this.activation(node, activation, { name: gemmOut, shape: [a.shape[0]!, units], layout: 'plain' }, args.slice(hasBias ? 1 : 0), out);
  }

  /**
   * MoveNet casts its int32 pixels to float first. The ONNX input is declared float32 (every Vigil model takes
   * float pixels), so a cast to float of a float value is emitted as ONNX Cast, which leaves float unchanged.
   */
  private cast(node: TfNode, x: Value, out: string): Value {
    const to = node.attr.DstT?.type;
    if (x.constant) {
      const data = to === 'DT_INT32' ? Int32Array.from(x.constant.data, Math.trunc) : Float32Array.from(x.constant.data);
      return { ...x, constant: { dtype: to === 'DT_INT32' ? 'int32' : 'float32', shape: x.constant.shape, data } };
    }
    if (to !== 'DT_FLOAT') throw new Error(`${node.name}: only casts to float are supported on tensors`);
    this.emit('Cast', [this.nameOf(x)], [out], { to: onnx.TensorProto.DataType.FLOAT });
    return { ...x, name: out, constant: undefined };
  }

  // ---- layout and emission helpers ------------------------------------------------------------------------------

  private toNchw(v: Value): Value {
    if (v.layout === 'nchw') return v;
    if (v.shape.length !== 4) throw new Error(`expected a 4-D tensor, got shape [${v.shape.join(',')}]`);
    if (v.constant) return { ...v, constant: transposeConst(v.constant, NHWC_TO_NCHW), layout: 'nchw' };
    const name = `${this.nameOf(v)}__nchw`;
    if (!this.used.has(name)) this.emit('Transpose', [this.nameOf(v)], [name], { perm: NHWC_TO_NCHW });
    return { name, shape: v.shape, layout: 'nchw' };
  }

  private toPlain(v: Value): Value {
    if (v.layout === 'plain') return v;
    if (v.constant) return { ...v, constant: transposeConst(v.constant, NCHW_TO_NHWC), layout: 'plain' };
    const name = `${this.nameOf(v)}__nhwc`;
    if (!this.used.has(name)) this.emit('Transpose', [this.nameOf(v)], [name], { perm: NCHW_TO_NHWC });
    return { name, shape: v.shape, layout: 'plain' };
  }

  /** The ONNX name of a value, emitting a constant as an initializer on first use. */
  private nameOf(v: Value, constName?: string): string {
    if (v.name !== null && !v.constant) return v.name;
    if (!v.constant) throw new Error('value has no name');
    return this.initializer(constName ?? `const_${this.initializers.length}`, v.constant);
  }

  private initializer(name: string, c: ConstTensor): string {
    const unique = this.unique(name);
    this.initializers.push(makeTensor(unique, c));
    return unique;
  }

  private scalar(value: number): string {
    const name = `scalar_${value}`;
    if (!this.used.has(name)) this.initializer(name, { dtype: 'float32', shape: [], data: Float32Array.of(value) });
    return name;
  }

  private unique(name: string): string {
    let candidate = sanitize(name);
    for (let i = 1; this.used.has(candidate); i++) candidate = `${sanitize(name)}_${i}`;
    this.used.add(candidate);
    return candidate;
  }

  private rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.input = node.input.map((i) => (i === from ? to : i));
      node.output = node.output.map((o) => (o === from ? to : o));
      if (node.name === from) node.name = to;
    }
    this.used.add(to);
  }

  private emit(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): void {
    for (const o of outputs) this.used.add(o);
    const attribute = Object.keys(attrs)
      .sort()
      .map((name) => makeAttribute(name, attrs[name]!));
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: inputs, output: outputs, name: outputs[0], attribute }));
  }
}

// ---- pure helpers --------------------------------------------------------------------------------------------------

function must<T>(v: T | undefined, node: TfNode): T {
  if (v === undefined) throw new Error(`${node.name}: missing input`);
  return v;
}

function fail(message: string): never {
  throw new Error(message);
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_./:-]/g, '_');
}

/** A number is an INT attribute; a float one is marked as such. */
type AttrValue = number | string | number[] | { float: number };

function makeAttribute(name: string, value: AttrValue) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'object' && !Array.isArray(value)) return onnx.AttributeProto.create({ name, type: A.FLOAT, f: value.float });
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: Buffer.from(value, 'utf8') });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: value });
  return onnx.AttributeProto.create({ name, type: A.INT, i: value });
}

function makeValueInfo(name: string, shape: number[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: shape.map((d) => (d < 0 ? { dimParam: 'batch' } : { dimValue: d })) } } },
  });
}

function makeTensor(name: string, c: ConstTensor | Int64Const): TensorProto {
  const T = onnx.TensorProto.DataType;
  if ('int64' in c) {
    const bytes = Buffer.alloc(c.int64.length * 8);
    c.int64.forEach((v, i) => bytes.writeBigInt64LE(BigInt(v), i * 8));
    return onnx.TensorProto.create({ name, dims: c.shape, dataType: T.INT64, rawData: bytes });
  }
  const bytes = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  return onnx.TensorProto.create({ name, dims: c.shape, dataType: c.dtype === 'int32' ? T.INT32 : T.FLOAT, rawData: Buffer.from(bytes) });
}

interface Int64Const {
  int64: number[];
  shape: number[];
}
function int64Tensor(values: number[]): ConstTensor {
  // Carried as ConstTensor for typing; makeTensor recognises the int64 marker.
  return { int64: values, shape: [values.length] } as unknown as ConstTensor;
}

/** TF conv filter [H, W, I, O] to ONNX [O, I, H, W]. */
function hwioToOihw(c: ConstTensor): ConstTensor {
  return transposeConst(c, [3, 2, 0, 1]);
}

/** TF depthwise filter [H, W, C, M] to ONNX grouped conv [C*M, 1, H, W]; output channel c*M+m, as TensorFlow orders it. */
function depthwiseToOnnx(c: ConstTensor): ConstTensor {
  const [kh, kw, ch, m] = c.shape as [number, number, number, number];
  const t = transposeConst(c, [2, 3, 0, 1]);
  return { ...t, shape: [ch * m, 1, kh, kw] };
}

function transposeConst(c: ConstTensor, perm: number[]): ConstTensor {
  const shape = perm.map((p) => c.shape[p]!);
  const strides = stridesOf(c.shape);
  const out = c.dtype === 'int32' ? new Int32Array(c.data.length) : new Float32Array(c.data.length);
  const outStrides = stridesOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let rem = i;
    let src = 0;
    for (let d = 0; d < shape.length; d++) {
      index[d] = Math.floor(rem / outStrides[d]!);
      rem -= index[d]! * outStrides[d]!;
      src += index[d]! * strides[perm[d]!]!;
    }
    out[i] = c.data[src]!;
  }
  return { dtype: c.dtype, shape, data: out };
}

function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** A constant that broadcasts against NHWC (rank <= 4, aligned right) re-laid to broadcast against NCHW. */
function toNchwBroadcast(c: ConstTensor): ConstTensor {
  const full = [...new Array<number>(4 - c.shape.length).fill(1), ...c.shape];
  if (c.shape.length > 4) throw new Error('constant of rank > 4 against a 4-D tensor');
  const t = transposeConst({ ...c, shape: full }, NHWC_TO_NCHW);
  // Drop leading 1s so the constant stays small and batch-agnostic.
  while (t.shape.length > 1 && t.shape[0] === 1) t.shape = t.shape.slice(1);
  return t;
}

function broadcastShape(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

function foldBinary(op: string, a: ConstTensor, b: ConstTensor): ConstTensor {
  const shape = broadcastShape(a.shape, b.shape);
  const size = shape.reduce((p, d) => p * d, 1);
  const f = { Add: (x: number, y: number) => x + y, AddV2: (x: number, y: number) => x + y, Sub: (x: number, y: number) => x - y, Mul: (x: number, y: number) => x * y, RealDiv: (x: number, y: number) => x / y, Minimum: Math.min, Maximum: Math.max }[op];
  if (!f) throw new Error(`cannot fold ${op}`);
  const at = (c: ConstTensor, i: number) => {
    // Right-aligned broadcasting index.
    const cs = stridesOf(c.shape);
    const os = stridesOf(shape);
    let src = 0;
    let rem = i;
    for (let d = 0; d < shape.length; d++) {
      const idx = Math.floor(rem / os[d]!);
      rem -= idx * os[d]!;
      const cd = d - (shape.length - c.shape.length);
      if (cd >= 0 && c.shape[cd] !== 1) src += idx * cs[cd]!;
    }
    return c.data[src]!;
  };
  const data = a.dtype === 'int32' && b.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = f(at(a, i), at(b, i));
  return { dtype: data instanceof Int32Array ? 'int32' : 'float32', shape, data };
}

function resolveReshape(target: number[], inShape: number[], knownTail: number): number[] {
  const batch = inShape[0] ?? 1;
  const total = batch < 0 ? -1 : inShape.reduce((p, d) => p * d, 1);
  const shape = [...target];
  const unknown = shape.indexOf(-1);
  if (unknown >= 0) {
    const rest = shape.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    // With a dynamic batch, -1 is the batch unless the target fixes dim 0.
    shape[unknown] = total < 0 ? (unknown === 0 ? -1 : knownTail / (rest / Math.max(1, shape[0] ?? 1))) : total / rest;
  }
  return shape;
}

/** The shape of a value whose shape is fully known at conversion time, as an int32 constant (TensorFlow order). */
function shapeOf(node: TfNode, x: Value): Value {
  if (x.shape.some((d) => d < 0)) throw new Error(`${node.name}: Shape of a dynamic shape [${x.shape.join(',')}] (give inputShape)`);
  return { name: null, shape: [x.shape.length], layout: 'plain', constant: { dtype: 'int32', shape: [x.shape.length], data: Int32Array.from(x.shape) } };
}

/** StridedSlice of a 1-D constant (the shape arithmetic before MoveNet's upsampling), folded at conversion time. */
function stridedSlice1d(node: TfNode, inputs: Value[]): ConstTensor {
  const [x, b, e, s] = inputs.map((v) => v.constant);
  if (!x || !b || !e || !s || x.shape.length !== 1 || b.data.length !== 1) throw new Error(`${node.name}: StridedSlice is supported on 1-D constants only`);
  const mask = (name: string) => attrInt(node.attr[name]);
  if (mask('ellipsis_mask') || mask('new_axis_mask')) throw new Error(`${node.name}: StridedSlice masks other than begin/end/shrink are not supported`);
  const n = x.data.length;
  const stride = s.data[0]!;
  if (stride !== 1) throw new Error(`${node.name}: StridedSlice stride ${stride} is not supported`);
  const norm = (i: number) => (i < 0 ? i + n : i);
  const begin = mask('begin_mask') & 1 ? 0 : norm(b.data[0]!);
  const end = mask('end_mask') & 1 ? n : norm(e.data[0]!);
  const data = x.data.slice(begin, mask('shrink_axis_mask') & 1 ? begin + 1 : end);
  return { dtype: x.dtype, shape: mask('shrink_axis_mask') & 1 ? [] : [data.length], data };
}
