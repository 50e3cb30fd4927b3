// Maximum: max(a, b), NaN if either is NaN (float32, broadcasting; csrc/elementwise.cc).
import { Maximum } from '@tensorflow/tfjs-core';

import { BinaryOp } from '../binding.js';
import { binaryKernelConfig } from './binary_impl.js';

export const maximumConfig = binaryKernelConfig(Maximum, BinaryOp.Maximum);
