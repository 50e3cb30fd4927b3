// Relu: max(x, 0) (float32; csrc/elementwise.cc).
import { Relu } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const reluConfig = unaryKernelConfig(Relu, UnaryOp.Relu);
