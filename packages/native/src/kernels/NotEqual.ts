// NotEqual: a != b as bool (float32 inputs, broadcasting; csrc/elementwise.cc).
import { NotEqual } from '@tensorflow/tfjs-core';

import { CompareOp } from '../binding.js';
import { compareKernelConfig } from './compare_impl.js';

export const notEqualConfig = compareKernelConfig(NotEqual, CompareOp.NotEqual);
