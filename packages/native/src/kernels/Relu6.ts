// Relu6: min(max(x, 0), 6) (float32; csrc/elementwise.cc).
import { Relu6 } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const relu6Config = unaryKernelConfig(Relu6, UnaryOp.Relu6);
