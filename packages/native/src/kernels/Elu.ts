// Elu: x >= 0 ? x : e^x - 1 (float32; csrc/elementwise.cc).
import { Elu } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const eluConfig = unaryKernelConfig(Elu, UnaryOp.Elu);
