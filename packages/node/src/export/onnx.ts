import type * as tfl from '@tensorflow/tfjs-layers';
import { DcganError, classCount } from '@dcgan-ts/core';
import type { onnx } from 'onnx-proto';
import onnxProto from 'onnx-proto';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import type { LoadedGenerator } from '../run/checkpoints.js';
import { PACKAGE_VERSION } from '../version.js';

// onnx-proto is CommonJS: its namespace comes through the default export at run time.
const { AttributeProto, ModelProto, TensorProto } = onnxProto.onnx;

/** ONNX opset of the exported graph: every op used (Concat, ConvTranspose, BatchNormalization, Relu, Tanh, Reshape) is in 13. */
const OPSET = 13;

/** Float32 tensor initializer. */
function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: TensorProto.DataType.FLOAT, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
}

/** TF.js Conv2DTranspose kernel (kh, kw, out, in) -> ONNX ConvTranspose weight (in, out, kh, kw). */
function transposeKernel(kernel: Float32Array, [kh, kw, o, i]: number[]): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let oc = 0; oc < o!; oc++)
        for (let ic = 0; ic < i!; ic++) out[((ic * o! + oc) * kh! + y) * kw! + x] = kernel[((y * kw! + x) * o! + oc) * i! + ic]!;
  return out;
}

/**
 * TF's 'same' padding for a stride-s transposed conv is that of the stride-s conv it transposes: k - s in total,
 * the smaller half first. ONNX pads are [h_begin, w_begin, h_end, w_end].
 */
function samePads(k: number, s: number): number[] {
  const total = Math.max(k - s, 0);
  const begin = Math.floor(total / 2);
  return [begin, begin, total - begin, total - begin];
}

/**
 * `--format onnx`: G as an ONNX graph, z (N, nz) -> images (N, C, S, S) in [-1, 1] (channels-first, ONNX's
 * convention), batch norm folded to inference mode with the running statistics, as dcgan-ts samples. A
 * class-conditional G (`classes` K > 0) takes a second input, `classes` (N, K): the one-hot class of each row, which
 * the graph concatenates after z as G's own input is built (models/conditioning.ts). Its class names, where the training
 * data named them, are the model's metadata `class_names`: a JSON list, name of class k at index k.
 */
export function generatorToOnnx(generator: tfl.LayersModel, nz: number, channels: number, imageSize: number, classes = 0, classNames?: string[]): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  const width = nz + classes;
  if (classes > 0) {
    nodes.push({
      opType: 'Concat',
      name: 'z_and_classes',
      input: ['z', 'classes'],
      output: ['g_input'], // (N, nz + K)
      attribute: [{ name: 'axis', type: AttributeProto.AttributeType.INT, i: 1 }],
    });
  }
  initializers.push({ name: 'z_shape', dims: [4], dataType: TensorProto.DataType.INT64, int64Data: [-1, width, 1, 1] });
  nodes.push({ opType: 'Reshape', input: [classes > 0 ? 'g_input' : 'z', 'z_shape'], output: ['z_map'], name: 'z_as_map' }); // (N, nz + K, 1, 1)
  let current = 'z_map';
  for (const layer of generator.layers) {
    const kind = layer.getClassName();
    const name = layer.name;
    const config = layer.getConfig() as Record<string, unknown>;
    const weights = layer.getWeights().map((w) => ({ values: w.dataSync() as Float32Array, shape: w.shape }));
    const output = `${name}_out`;
    switch (kind) {
      case 'InputLayer':
      case 'Reshape':
        continue;
      case 'Conv2DTranspose': {
        const [{ values, shape }] = weights as [{ values: Float32Array; shape: number[] }];
        const [kh, kw] = shape as [number, number];
        const [sh, sw] = config.strides as [number, number];
        const pads = config.padding === 'same' ? samePads(kh, sh) : [0, 0, 0, 0];
        if (config.use_bias) throw new DcganError(`ONNX export: ${name} has a bias, which DCGAN generators do not`);
        initializers.push(floatTensor(`${name}_W`, [shape[3]!, shape[2]!, kh, kw], transposeKernel(values, shape)));
        nodes.push({
          opType: 'ConvTranspose',
          name,
          input: [current, `${name}_W`],
          output: [output],
          attribute: [
            { name: 'kernel_shape', type: AttributeProto.AttributeType.INTS, ints: [kh, kw] },
            { name: 'strides', type: AttributeProto.AttributeType.INTS, ints: [sh, sw] },
            { name: 'pads', type: AttributeProto.AttributeType.INTS, ints: pads },
          ],
        });
        break;
      }
      case 'BatchNormalization': {
        // tfjs-layers stores gamma, beta, moving_mean, moving_variance: ONNX's scale, B, mean, var.
        const [gamma, beta, mean, variance] = weights;
        const names = ['scale', 'B', 'mean', 'var'].map((p) => `${name}_${p}`);
        [gamma, beta, mean, variance].forEach((w, i) => initializers.push(floatTensor(names[i]!, w!.shape, w!.values)));
        nodes.push({
          opType: 'BatchNormalization',
          name,
          input: [current, ...names],
          output: [output],
          attribute: [{ name: 'epsilon', type: AttributeProto.AttributeType.FLOAT, f: config.epsilon as number }],
        });
        break;
      }
      case 'ReLU':
        nodes.push({ opType: 'Relu', name, input: [current], output: [output] });
        break;
      case 'Activation':
        if (config.activation !== 'tanh') throw new DcganError(`ONNX export: unexpected activation ${String(config.activation)}`);
        nodes.push({ opType: 'Tanh', name, input: [current], output: [output] });
        break;
      default:
        throw new DcganError(`ONNX export: layer ${name} (${kind}) is not part of a DCGAN generator`);
    }
    current = output;
  }
  nodes[nodes.length - 1]!.output = ['images'];

  const dim = (d: number | string): onnx.TensorShapeProto.IDimension => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  const valueInfo = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: TensorProto.DataType.FLOAT, shape: { dim: dims.map(dim) } } },
  });
  const model: onnx.IModelProto = {
    irVersion: 7,
    producerName: 'dcgan-ts',
    producerVersion: PACKAGE_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    ...(classNames === undefined ? {} : { metadataProps: [{ key: 'class_names', value: JSON.stringify(classNames) }] }),
    graph: {
      name: 'dcgan_generator',
      node: nodes,
      initializer: initializers,
      input: [valueInfo('z', ['N', nz]), ...(classes > 0 ? [valueInfo('classes', ['N', classes])] : [])],
      output: [valueInfo('images', ['N', channels, imageSize, imageSize])],
    },
  };
  return ModelProto.encode(ModelProto.create(model)).finish();
}

/** `--format onnx`: writes generator.onnx (generatorToOnnx) into `dir`; returns the names of the files written. */
export async function exportOnnx(loaded: LoadedGenerator, dir: string): Promise<string[]> {
  const { config } = loaded.state;
  const { nz, channels, imageSize } = config;
  await writeFileAtomic(path.join(dir, 'generator.onnx'), generatorToOnnx(loaded.generator, nz, channels, imageSize, classCount(config), config.classNames));
  return ['generator.onnx'];
}
