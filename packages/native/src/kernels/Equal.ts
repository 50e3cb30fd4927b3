// Equal: a == b as bool (float32 inputs, broadcasting; csrc/elementwise.cc).
import { Equal } from '@tensorflow/tfjs-core';

import { CompareOp } from '../binding.js';
import { compareKernelConfig } from './compare_impl.js';

export const equalConfig = compareKernelConfig(Equal, CompareOp.Equal);
