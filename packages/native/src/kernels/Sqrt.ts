// Sqrt: sqrt(x) (float32; csrc/elementwise.cc).
import { Sqrt } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const sqrtConfig = unaryKernelConfig(Sqrt, UnaryOp.Sqrt);
