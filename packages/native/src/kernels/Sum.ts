// Sum over any axes (sum in float64 blocks; csrc/reduce.cc). Batch norm's moments reduce NHWC over [0, 1, 2].
import { Sum } from '@tensorflow/tfjs-core';
import type { SumAttrs } from '@tensorflow/tfjs-core';

import { ReduceOp } from '../binding.js';
import { reduceKernelConfig } from './reduce_impl.js';

export const sumConfig = reduceKernelConfig(Sum, ReduceOp.Sum, (attrs) => (attrs as unknown as SumAttrs).axis);
