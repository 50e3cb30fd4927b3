// Less: a < b as bool (float32 inputs, broadcasting; csrc/elementwise.cc).
import { Less } from '@tensorflow/tfjs-core';

import { CompareOp } from '../binding.js';
import { compareKernelConfig } from './compare_impl.js';

export const lessConfig = compareKernelConfig(Less, CompareOp.Less);
