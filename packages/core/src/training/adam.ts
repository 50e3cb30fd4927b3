import * as tf from '@tensorflow/tfjs-core';

/**
 * Adam's learning rate, moment decay rates and epsilon (paper section 4: lr 0.0002, beta1 0.5; beta2 defaults to
 * 0.999, and the trainer's epsilon is 1e-8).
 */
export interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** The serialisable state of one Adam optimizer: its step count and first/second moments, in variable order. */
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * Adam (Kingma & Ba 2015) with PyTorch's arithmetic:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Written here rather than taken from tf.train.adam because that one cannot be resumed bit for bit: its setWeights
 * recomputes beta^t with pow() where its steps had multiplied, so a resumed run drifts from a straight one. Bias
 * corrections are computed in float64 from the integer step count, which makes resume exact.
 */
/**
 * A backend may provide the whole update as one kernel (packages/native's DcganAdam: ~5x faster, bit-identical to
 * the composite below on that backend): inputs param, grad, m, v; attrs beta1, beta2, epsilon, stepSize,
 * sqrtCorrection2; outputs param', m', v'.
 */
export const FUSED_ADAM_KERNEL = 'DcganAdam';

/**
 * Adam over a fixed list of variables with PyTorch's arithmetic (above), as one kernel per variable where the backend
 * registered FUSED_ADAM_KERNEL; getState and setState carry it across a checkpoint bit for bit.
 */
export class Adam {
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly variables: tf.Variable[],
    readonly settings: AdamSettings,
  ) {
    // tidy: the zeros each variable starts from are tensors of their own, freed once the variable holds them.
    this.m = variables.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
    this.v = variables.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
  }

  get step(): number {
    return this.t;
  }

  /** One update from gradients given in the order of the variables. */
  apply(grads: tf.Tensor[]): void {
    if (grads.length !== this.variables.length) throw new Error('Adam.apply: one gradient per variable expected');
    this.t += 1;
    const { lr, beta1, beta2, epsilon } = this.settings;
    const stepSize = lr / (1 - beta1 ** this.t);
    const sqrtCorrection2 = Math.sqrt(1 - beta2 ** this.t);
    const fused = tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      grads.forEach((g, i) => {
        if (fused) {
          const inputs = { param: this.variables[i]!, grad: g, m: this.m[i]!, v: this.v[i]! };
          const attrs = { beta1, beta2, epsilon, stepSize, sqrtCorrection2 };
          const [param, m, v] = tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, attrs) as tf.Tensor[];
          this.variables[i]!.assign(param!);
          this.m[i]!.assign(m!);
          this.v[i]!.assign(v!);
          return;
        }
        const m = tf.add(tf.mul(this.m[i]!, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), sqrtCorrection2), epsilon);
        this.variables[i]!.assign(tf.sub(this.variables[i]!, tf.mul(tf.div(m, denominator), stepSize)));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
      });
    });
  }

  /** A copy of the moments (read asynchronously, as GPU backends require). */
  async getState(): Promise<AdamState> {
    const read = (xs: tf.Variable[]) => Promise.all(xs.map(async (x) => ((await x.data()) as Float32Array).slice()));
    return { step: this.t, m: await read(this.m), v: await read(this.v) };
  }

  setState(state: AdamState): void {
    const n = this.variables.length;
    if (state.m.length !== n || state.v.length !== n) {
      throw new Error(`optimizer state has ${state.m.length} moments for ${n} variables`);
    }
    tf.tidy(() => this.variables.forEach((w, i) => {
      for (const [moments, name] of [
        [state.m, 'm'],
        [state.v, 'v'],
      ] as const) {
        if (moments[i]!.length !== w.size) {
          throw new Error(`optimizer ${name}[${i}] has ${moments[i]!.length} values for a variable of ${w.size}`);
        }
      }
      this.m[i]!.assign(tf.tensor(state.m[i]!, w.shape));
      this.v[i]!.assign(tf.tensor(state.v[i]!, w.shape));
    }));
    this.t = state.step;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
