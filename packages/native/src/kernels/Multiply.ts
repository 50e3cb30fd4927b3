// Multiply: a * b (float32, broadcasting; csrc/elementwise.cc).
import { Multiply } from '@tensorflow/tfjs-core';

import { BinaryOp } from '../binding.js';
import { binaryKernelConfig } from './binary_impl.js';

export const mulConfig = binaryKernelConfig(Multiply, BinaryOp.Mul);
