import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers its classes with TF.js's serialization map

/**
 * A tfjs-layers class by its registered name (tfjs-layers does not export the classes themselves), read before
 * dcgan-ts's subclass of it takes the name's place (each subclass's module registers itself after reading this).
 */
export function stockLayerClass(className: string): unknown {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new Error(`tfjs-layers registers no class ${className}`);
  return entry[0];
}
