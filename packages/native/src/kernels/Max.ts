// Max over any axes (NaN propagates; csrc/reduce.cc).
import { Max } from '@tensorflow/tfjs-core';
import type { MaxAttrs } from '@tensorflow/tfjs-core';

import { ReduceOp } from '../binding.js';
import { reduceKernelConfig } from './reduce_impl.js';

export const maxConfig = reduceKernelConfig(Max, ReduceOp.Max, (attrs) => (attrs as unknown as MaxAttrs).reductionIndices);
