// Minimum: min(a, b), NaN if either is NaN (float32, broadcasting; csrc/elementwise.cc).
import { Minimum } from '@tensorflow/tfjs-core';

import { BinaryOp } from '../binding.js';
import { binaryKernelConfig } from './binary_impl.js';

export const minimumConfig = binaryKernelConfig(Minimum, BinaryOp.Minimum);
