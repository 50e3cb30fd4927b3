import * as tf from '@tensorflow/tfjs-core';
import type { LeakyReLU as StockLeakyReLU, ReLU as StockReLU } from '@tensorflow/tfjs-layers/dist/layers/advanced_activations.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { leakyReluSavingOutput, reluSavingOutput } from '../ops/activationsSavingOutput.js';
import { stockLayerClass } from './stockLayers.js';

const StockReLULayer = stockLayerClass('ReLU') as typeof StockReLU;
const StockLeakyReLULayer = stockLayerClass('LeakyReLU') as typeof StockLeakyReLU;

const one = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);

/**
 * tfjs-layers' ReLU and LeakyReLU computing the same values, with gradients that keep the output rather than the
 * input (ops/activationsSavingOutput.ts). They serialise as `ReLU` / `LeakyReLU` and take those names' places in
 * the deserializer.
 */
export class DcganReLU extends StockReLULayer {
  static override className = 'ReLU';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (this.maxValue != null) return super.call(inputs, kwargs);
    return reluSavingOutput(one(inputs));
  }
}

/**
 * tfjs-layers' LeakyReLU with a gradient that keeps the output, as DcganReLU; with alpha <= 0 it is the stock layer.
 */
export class DcganLeakyReLU extends StockLeakyReLULayer {
  static override className = 'LeakyReLU';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!(this.alpha > 0)) return super.call(inputs, kwargs);
    return leakyReluSavingOutput(this.alpha)(one(inputs));
  }
}

tf.serialization.SerializationMap.register(DcganReLU);
tf.serialization.SerializationMap.register(DcganLeakyReLU);

/** A DcganReLU layer (G's activation), as tf.layers.reLU makes the stock one. */
export function reLU(args: { name: string }): DcganReLU {
  return new DcganReLU(args);
}

/**
 * A DcganLeakyReLU layer with slope `alpha` below zero (D's activation, with LEAKY_RELU_SLOPE), as tf.layers.leakyReLU
 * makes the stock one.
 */
export function leakyReLU(args: { alpha: number; name: string }): DcganLeakyReLU {
  return new DcganLeakyReLU(args);
}
