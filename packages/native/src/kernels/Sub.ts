// Sub: a - b (float32, broadcasting; csrc/elementwise.cc).
import { Sub } from '@tensorflow/tfjs-core';

import { BinaryOp } from '../binding.js';
import { binaryKernelConfig } from './binary_impl.js';

export const subConfig = binaryKernelConfig(Sub, BinaryOp.Sub);
