// RealDiv: a / b (float32, broadcasting; csrc/elementwise.cc).
import { RealDiv } from '@tensorflow/tfjs-core';

import { BinaryOp } from '../binding.js';
import { binaryKernelConfig } from './binary_impl.js';

export const realDivConfig = binaryKernelConfig(RealDiv, BinaryOp.RealDiv);
