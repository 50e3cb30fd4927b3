/**
 * TF.js builds a functional model from model.json by calling each layer on its inbound nodes, re-queuing a call
 * whose inputs do not exist yet until no call is left (tfjs-layers' Container.fromConfig). A node that names a
 * missing layer, a node index that is never made, or a cycle keeps that loop going forever, on the thread that
 * loads the model. layerGraphProblem replays the schedule on the JSON first, so that such a file is refused instead.
 */

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** tfjs-layers' toCamelCase. */
function toCamelCase(s: string): string {
  if (s.length <= 1 || !s.includes('_')) return s;
  return s.replace(/[_]+(\w|$)/g, (_, c: string) => c.toUpperCase());
}

/** tfjs-layers' convertPythonicToTs: what the loader reads is the config after this (keys and strings camel-cased). */
function pythonicToTs(x: unknown, key?: string): unknown {
  if (typeof x === 'string') return toCamelCase(x);
  if (Array.isArray(x)) {
    const names = key === 'inboundNodes' || key === 'outputLayers' || key === 'inputLayers';
    return x.map((item, i) => (names && i === 0 && typeof item === 'string' ? item : pythonicToTs(item, key)));
  }
  if (!isRecord(x)) return x;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) {
    if (k === 'name' && typeof x[k] === 'string') out[k] = x[k];
    else {
      const tsKey = toCamelCase(k);
      out[tsKey] = pythonicToTs(x[k], tsKey);
    }
  }
  return out;
}

/** One call of a layer: its inputs as [layer name, node index, tensor index, kwargs?]. */
function isNodeData(x: unknown): x is [string, number, ...unknown[]][] {
  return Array.isArray(x) && x.every((d) => Array.isArray(d) && typeof d[0] === 'string' && Number.isInteger(d[1]) && d[1] >= 0);
}

/** The problem with one container's layer list (config.layers), or null when every call can be made. */
function containerProblem(layers: unknown[]): string | null {
  const made = new Map<string, number>(); // nodes each layer has so far
  const pending: [string, number, ...unknown[]][][][] = [];
  for (const [i, layer] of layers.entries()) {
    // The loader keys its queue by the layer's own name and finds inputs by the list's names: they must agree.
    if (!isRecord(layer) || typeof layer.name !== 'string' || !isRecord(layer.config) || layer.config.name !== layer.name) {
      return `layer ${i} has no name of its own`;
    }
    if (made.has(layer.name)) return `layer ${i} has the name of an earlier layer`;
    const nodes = layer.inboundNodes ?? [];
    if (!Array.isArray(nodes) || !nodes.every(isNodeData)) return `layer ${i} has malformed inbound nodes`;
    made.set(layer.name, layer.className === 'InputLayer' ? 1 : 0);
    pending.push([...nodes]);
  }
  for (;;) {
    const waiting = pending.findIndex((p) => p.length > 0);
    if (waiting === -1) return null;
    let progress = false;
    layers.forEach((layer, i) => {
      const name = (layer as { name: string }).name;
      const queue = pending[i]!;
      pending[i] = [];
      for (const node of queue) {
        if (node.every(([input, index]) => (made.get(input) ?? 0) > index)) {
          if (node.length > 0) made.set(name, made.get(name)! + 1);
          progress = true;
        } else pending[i]!.push(node);
      }
    });
    if (!progress) return `layer ${waiting} takes an input that no layer makes`;
  }
}

/** Why TF.js could not build the layer graph of a model.json's modelTopology (it would never return), or null. */
export function layerGraphProblem(modelTopology: unknown): string | null {
  let topology = modelTopology;
  if (isRecord(topology) && topology.model_config != null) topology = topology.model_config;
  let converted: unknown;
  try {
    converted = pythonicToTs(topology);
  } catch (e) {
    if (e instanceof RangeError) return 'its topology is nested too deeply';
    throw e;
  }
  // Every functional model in it, nested ones included.
  const stack = [converted];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) for (const item of x) stack.push(item);
    else if (isRecord(x)) {
      // (A Sequential model adds its layers in order: no queue.)
      if (x.className !== 'Sequential' && isRecord(x.config) && Array.isArray(x.config.layers)) {
        const problem = containerProblem(x.config.layers);
        if (problem !== null) return problem;
      }
      for (const value of Object.values(x)) stack.push(value);
    }
  }
  return null;
}
