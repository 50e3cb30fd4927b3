import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ConvLayerArgs, Conv2D as StockConv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { stockLayerClass } from './stockLayers.js';

const StockLayer = stockLayerClass('Conv2D') as typeof StockConv2D;

/** The stock layer's private fields this one reads (set by its constructor and build()). */
interface StockFields {
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dataFormat: 'channelsLast' | 'channelsFirst';
  dilationRate: [number, number];
  activation: { getClassName(): string };
}

/**
 * tfjs-layers' Conv2D, but a bias-free linear one runs as tf.conv2d instead of tf.fused.conv2d. Same kernel forward;
 * the difference is the gradient: fused.conv2d's is a custom gradient that always computes both the input's and the
 * filter's, while tf.conv2d's registered one computes only those the backward pass asks for. The discriminator's
 * convolutions need no filter gradient in G's step and no input gradient for the images in D's step: ~10% of a
 * training step's convolution work. It serialises as `Conv2D` and takes that name's place in the deserializer.
 */
export class DcganConv2D extends StockLayer {
  static override className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const own = this as unknown as StockFields;
    if (own.bias != null || own.activation.getClassName() !== 'linear' || own.dataFormat !== 'channelsLast') {
      return super.call(inputs, kwargs);
    }
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
    return tf.tidy(() => tf.conv2d(x, own.kernel.read() as tf.Tensor4D, own.strides, own.padding, 'NHWC', own.dilationRate));
  }
}

tf.serialization.SerializationMap.register(DcganConv2D);

/** A DcganConv2D layer, from the arguments tf.layers.conv2d takes. */
export function conv2d(args: ConvLayerArgs): DcganConv2D {
  return new DcganConv2D(args);
}
