// Min over any axes (NaN propagates; csrc/reduce.cc).
import { Min } from '@tensorflow/tfjs-core';
import type { MinAttrs } from '@tensorflow/tfjs-core';

import { ReduceOp } from '../binding.js';
import { reduceKernelConfig } from './reduce_impl.js';

export const minConfig = reduceKernelConfig(Min, ReduceOp.Min, (attrs) => (attrs as unknown as MinAttrs).axis);
