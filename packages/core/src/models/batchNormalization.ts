import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BatchNormalization as StockBatchNormalization } from '@tensorflow/tfjs-layers/dist/layers/normalization.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { batchNormActivationTraining } from '../ops/batchNormActivationTraining.js';
import { batchNormTraining, hasFusedBatchNormTraining } from '../ops/batchNormTraining.js';
import { stockLayerClass } from './stockLayers.js';

const StockLayer = stockLayerClass('BatchNormalization') as typeof StockBatchNormalization;

/** The stock layer's private fields this one reads (set by its constructor and build()). */
interface StockFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tfl.LayerVariable;
  beta: tfl.LayerVariable;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
}

/**
 * tfjs-layers' BatchNormalization, but in training mode on a backend with the fused kernels (packages/native) one
 * kernel forward and one backward instead of the composite's ~25 passes over the activation and its intermediates,
 * which also hold most of a step's memory. Everything else is the stock layer's: inference, weights, and the
 * moving averages, updated with the same arithmetic (running -= (running - batch) * (1 - momentum), biased batch
 * variance). It serialises as `BatchNormalization`, so exported models load in any TF.js, and it takes that name's
 * place in the deserializer, so checkpoints load back into it and a resumed run computes exactly what a straight one
 * does.
 */
export class DcganBatchNormalization extends StockLayer {
  static override className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const own = this as unknown as StockFields;
    const channelsLast = own.axis === -1 || own.axis === x.rank - 1;
    if (kwargs.training !== true || !hasFusedBatchNormTraining() || !channelsLast || !own.center || !own.scale) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(x, own.gamma.read() as tf.Tensor1D, own.beta.read() as tf.Tensor1D, own.epsilon);
      updateMovingAverage(own.movingMean, mean, own.momentum);
      updateMovingAverage(own.movingVariance, variance, own.momentum);
      tf.dispose([mean, variance]);
      return y;
    });
  }

  /**
   * Whether applyWithActivation can run this layer: training mode's fused path, channels last, with scale and offset
   * (the caller also checks the backend: hasFusedBatchNormActivationTraining()).
   */
  canFuseActivation(x: tf.Tensor): boolean {
    const own = this as unknown as StockFields;
    return (own.axis === -1 || own.axis === x.rank - 1) && own.center && own.scale;
  }

  /**
   * This layer in training mode followed by ReLU (alpha 0) or LeakyReLU (alpha): what apply(x, {training: true}) and
   * the activation layer's apply compute, bit for bit, on the fused kernels. Only where canFuseActivation(x).
   */
  applyWithActivation(x: tf.Tensor, alpha: number): tf.Tensor {
    const own = this as unknown as StockFields;
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormActivationTraining(x, own.gamma.read() as tf.Tensor1D, own.beta.read() as tf.Tensor1D, own.epsilon, alpha);
      updateMovingAverage(own.movingMean, mean, own.momentum);
      updateMovingAverage(own.movingVariance, variance, own.momentum);
      tf.dispose([mean, variance]);
      return y;
    });
  }
}

/** tfjs-layers' own update, op for op, so both paths round the same way. */
function updateMovingAverage(running: tfl.LayerVariable, batch: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const current = running.read();
    running.write(tf.sub(current, tf.mul(tf.sub(current, batch), 1 - momentum)));
  });
}

tf.serialization.SerializationMap.register(DcganBatchNormalization);

/**
 * A DcganBatchNormalization layer, as tf.layers.batchNormalization makes the stock one; G and D pass PyTorch's
 * BATCH_NORM_MOMENTUM and BATCH_NORM_EPSILON.
 */
export function batchNormalization(args: { momentum: number; epsilon: number; name: string }): DcganBatchNormalization {
  return new DcganBatchNormalization(args);
}
