import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { hasFusedBatchNormActivationTraining } from '../ops/batchNormActivationTraining.js';
import { DcganLeakyReLU, DcganReLU } from './activations.js';
import { DcganBatchNormalization } from './batchNormalization.js';

/**
 * model.apply(x, { training: true }) for a model whose layers form a chain (G and D do), freeing each layer's output
 * once the next layer has consumed it, and running batch norm with the (leaky) ReLU after it as one fused op where
 * the backend has one (ops/batchNormActivationTraining.ts). tfjs-layers keeps every layer's output until the enclosing tidy ends, so a
 * training forward pass held all of them at once; what the backward pass needs survives anyway, as the clones that
 * ops save for their gradients.
 */
export function applyChainInTraining(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor {
  const layers = chainLayers(model);
  const fuse = hasFusedBatchNormActivationTraining();
  let h = x;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    // Batch norm and the (leaky) ReLU after it as one fused op where the backend has it: the same bits, fewer passes.
    const alpha = fuse ? fusedActivationAfter(layer, layers[i + 1], h) : null;
    const next = alpha !== null ? (layer as DcganBatchNormalization).applyWithActivation(h, alpha) : (layer.apply(h, { training: true }) as tf.Tensor);
    if (alpha !== null) i++;
    if (h !== x) h.dispose();
    h = next;
  }
  return h;
}

/** The slope of the activation `next` when `layer` is batch norm that can run fused with it (ReLU: 0), else null. */
function fusedActivationAfter(layer: tfl.layers.Layer, next: tfl.layers.Layer | undefined, x: tf.Tensor): number | null {
  if (!(layer instanceof DcganBatchNormalization) || !layer.canFuseActivation(x)) return null;
  if (next instanceof DcganReLU) return next.maxValue == null ? 0 : null;
  if (next instanceof DcganLeakyReLU) return next.alpha > 0 ? next.alpha : null;
  return null;
}

const chains = new WeakMap<tfl.LayersModel, tfl.layers.Layer[]>();

/** The model's layers after its input, in order, checked to be a chain: each takes exactly the previous one's output. */
function chainLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  let layers = chains.get(model);
  if (layers === undefined) {
    layers = model.layers.slice(1);
    layers.forEach((layer, i) => {
      const inbound = layer.inboundNodes.flatMap((node) => node.inboundLayers);
      if (inbound.length !== 1 || inbound[0] !== model.layers[i]) {
        throw new Error(`applyChainInTraining: ${model.name} is not a chain of layers (at ${layer.name})`);
      }
    });
    chains.set(model, layers);
  }
  return layers;
}
