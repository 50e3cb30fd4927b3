// Add: a + b (float32, broadcasting; csrc/elementwise.cc).
import { Add } from '@tensorflow/tfjs-core';

import { BinaryOp } from '../binding.js';
import { binaryKernelConfig } from './binary_impl.js';

export const addConfig = binaryKernelConfig(Add, BinaryOp.Add);
