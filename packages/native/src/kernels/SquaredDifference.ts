// SquaredDifference: (a - b)^2 (float32, broadcasting; csrc/elementwise.cc).
import { SquaredDifference } from '@tensorflow/tfjs-core';

import { BinaryOp } from '../binding.js';
import { binaryKernelConfig } from './binary_impl.js';

export const squaredDifferenceConfig = binaryKernelConfig(SquaredDifference, BinaryOp.SquaredDifference);
