// Neg: -x (float32; csrc/elementwise.cc).
import { Neg } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const negConfig = unaryKernelConfig(Neg, UnaryOp.Neg);
