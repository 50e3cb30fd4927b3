// Reciprocal: 1 / x (float32; csrc/elementwise.cc).
import { Reciprocal } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const reciprocalConfig = unaryKernelConfig(Reciprocal, UnaryOp.Reciprocal);
