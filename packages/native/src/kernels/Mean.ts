// Mean over any axes (float64 sum / count; csrc/reduce.cc). Batch norm's moments reduce NHWC over [0, 1, 2].
import { Mean } from '@tensorflow/tfjs-core';
import type { MeanAttrs } from '@tensorflow/tfjs-core';

import { ReduceOp } from '../binding.js';
import { reduceKernelConfig } from './reduce_impl.js';

export const meanConfig = reduceKernelConfig(Mean, ReduceOp.Mean, (attrs) => (attrs as unknown as MeanAttrs).axis);
