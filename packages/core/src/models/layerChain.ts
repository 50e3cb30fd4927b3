import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * model.apply(x, { training: true }) for a model whose layers form a chain (G and D do), freeing each layer's output
 * once the next layer has consumed it. tfjs-layers keeps every layer's output until the enclosing tidy ends, so a
 * training forward pass held all of them at once; what the backward pass needs survives anyway, as the clones that
 * ops save for their gradients.
 */
export function applyChainInTraining(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor {
  const layers = chainLayers(model);
  let h = x;
  for (const layer of layers) {
    const next = layer.apply(h, { training: true }) as tf.Tensor;
    if (h !== x) h.dispose();
    h = next;
  }
  return h;
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
