import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of a scalar loss with respect to variables, as tf.variableGrads computes them (the same tape, the same
 * gradient functions called in the same order, so the same numbers), but with PyTorch autograd's memory behaviour:
 * each node's saved activations and its outputs' gradients are freed as soon as the backward pass has used them.
 *
 * TF.js's own backward pass (engine.gradients) keeps both until it ends, so at its peak a DCGAN step holds every
 * forward activation plus every intermediate gradient (64x64x3, batch 128: peak RSS 1,052 MB with it, 798 MB with
 * this, before the other savings of the step). It reads the engine's tape, which tfjs-core keeps internal: the fields below are those of
 * tfjs-core 4.22 (engine.ts), pinned in package.json, and the tests compare this function with tf.variableGrads.
 */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: tf.Tensor[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T extends tf.TensorContainer>(name: string, f: () => T): T;
}

/** What variableGradsFreeing returns: the loss's value and the variables' gradients. */
export interface VariableGradients {
  value: tf.Scalar;
  /** One gradient per variable, in the order given. */
  grads: tf.Tensor[];
}

/**
 * A forward pass whose tape is kept for a later variableGradsFreeing, as PyTorch keeps a graph: the trainer runs G
 * once, gives its output to D's update with no gradient into G, then back-propagates G's loss through the same pass.
 * Holds the pass's saved activations until consumed by variableGradsFreeing or disposed.
 */
export class RecordedForward {
  constructor(readonly nodes: TapeNode[]) {}

  dispose(): void {
    for (const node of this.nodes) tf.dispose(node.saved ?? []);
  }
}

/**
 * Runs f with its tape kept: f's output and the RecordedForward that a later variableGradsFreeing continues (the
 * trainer's one G pass serves D's update, then G's). Throws inside another gradient computation.
 */
export function recordForward<T extends tf.Tensor>(f: () => T): { output: T; recorded: RecordedForward } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth > 0) throw new Error('recordForward: cannot record inside another gradient computation');
  let output: T;
  try {
    output = engine.scopedRun(() => engine.startTape(), () => engine.endTape(), () => engine.tidy('forward', f));
  } catch (e) {
    releaseActiveTape(engine);
    throw e;
  }
  const recorded = new RecordedForward(engine.state.activeTape!);
  engine.state.activeTape = null; // later computations start tapes of their own
  return { output, recorded };
}

/** `before`: a recorded forward pass that f continues (f uses its output); consumed, with its activations freed. */
export function variableGradsFreeing(f: () => tf.Scalar, variables: tf.Variable[], before?: RecordedForward): VariableGradients {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth > 0) {
    if (before) {
      before.dispose();
      throw new Error('variableGradsFreeing: cannot continue a recorded pass inside another gradient computation');
    }
    // Inside another gradient computation (higher-order gradients) the tape must survive: TF.js's own path.
    const { value, grads } = tf.variableGrads(f, variables);
    return { value, grads: variables.map((v) => grads[v.name]!) };
  }
  let y: tf.Tensor;
  try {
    y = engine.scopedRun(() => engine.startTape(), () => engine.endTape(), () => engine.tidy('forward', f));
  } catch (e) {
    before?.dispose();
    releaseActiveTape(engine);
    throw e;
  }
  const tape = [...(before?.nodes ?? []), ...engine.state.activeTape!];
  try {
    if (!(y instanceof tf.Tensor) || y.rank !== 0) throw new Error('variableGradsFreeing: f must return a scalar tensor');
    return engine.tidy('backward', () => {
      const grads = backpropagate(nodesFromVariablesToLoss(tape, variables, y), y);
      return {
        value: y as tf.Scalar,
        grads: variables.map((v) => {
          const g = grads.get(v.id);
          if (g === undefined) throw new Error(`variableGradsFreeing: no gradient reaches ${v.name}`);
          return g;
        }),
      };
    });
  } catch (e) {
    y.dispose();
    throw e;
  } finally {
    for (const node of tape) tf.dispose(node.saved ?? []);
    engine.state.activeTape = null;
  }
}

/** Frees what a failed forward pass left on the tape (its saved tensors are kept, so no tidy frees them). */
function releaseActiveTape(engine: EngineInternals): void {
  for (const node of engine.state.activeTape ?? []) tf.dispose(node.saved ?? []);
  engine.state.activeTape = null;
}

/**
 * The tape's nodes on a path from a variable to the loss, each with only those inputs that depend on a variable
 * (tfjs-core's getFilteredNodesXToY, tape.ts).
 */
function nodesFromVariablesToLoss(tape: TapeNode[], variables: tf.Variable[], y: tf.Tensor): TapeNode[] {
  const fromVariables = new Set<number>(variables.map((v) => v.id));
  const nodesFromVariables = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromVariables.has(t.id))) {
      node.outputs.forEach((o) => fromVariables.add(o.id));
      nodesFromVariables.add(node.id);
    }
  }
  const leadToLoss = new Set<number>([y.id]);
  const nodesToLoss = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => leadToLoss.has(o.id))) {
      Object.values(node.inputs).forEach((t) => leadToLoss.add(t.id));
      nodesToLoss.add(node.id);
    }
  }
  return tape
    .filter((node) => nodesFromVariables.has(node.id) && nodesToLoss.has(node.id))
    .map((node) => ({
      ...node,
      inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, t]) => fromVariables.has(t.id))),
    }));
}

/** Walks the nodes backwards from dL/dy = 1; returns the accumulated gradient of every tensor still wanted. */
function backpropagate(nodes: TapeNode[], y: tf.Tensor): Map<number, tf.Tensor> {
  const grads = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.gradient === undefined) throw new Error(`no gradient function for ${node.kernelName}`);
    const inputs = Object.entries(node.inputs);
    // The node's contribution, added to what its inputs already had (an input may appear twice, as in x * x).
    const updated = tf.tidy(() => {
      const dys = node.outputs.map((o) => grads.get(o.id) ?? null) as tf.Tensor[]; // null: the engine passes zeros
      const perInput = node.gradient!(dys);
      const sums = new Map<number, tf.Tensor>();
      for (const [name, x] of inputs) {
        const gradient = perInput[name];
        if (gradient === undefined) throw new Error(`gradient of ${node.kernelName}: none for its input ${name}`);
        const dx = gradient();
        if (dx.dtype !== 'float32' || !tf.util.arraysEqual(dx.shape, x.shape)) {
          throw new Error(`gradient of ${node.kernelName}: input ${name} got a ${dx.dtype} [${dx.shape}] gradient for a [${x.shape}] input`);
        }
        const before = sums.get(x.id) ?? grads.get(x.id);
        sums.set(x.id, before === undefined ? dx : tf.add(before, dx));
      }
      // One tensor per input: a gradient function may return one object for two inputs, which are freed apart.
      const seen = new Set<tf.Tensor>();
      return [...sums.values()].map((g) => {
        if (seen.has(g)) return tf.clone(g);
        seen.add(g);
        return g;
      });
    });
    const kept = new Set<tf.Tensor>(updated);
    [...new Set(inputs.map(([, x]) => x.id))].forEach((id, k) => {
      const before = grads.get(id);
      if (before !== undefined && !kept.has(before)) before.dispose();
      grads.set(id, updated[k]!);
    });
    // This node was the only consumer of its outputs' gradients and of its saved tensors: free them now.
    for (const o of node.outputs) {
      const dy = grads.get(o.id);
      if (dy !== undefined && !kept.has(dy)) dy.dispose();
      grads.delete(o.id);
    }
    tf.dispose((node.saved ?? []).filter((t) => !kept.has(t)));
  }
  return grads;
}
