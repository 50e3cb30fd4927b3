// Rsqrt: 1 / sqrt(x) (float32; csrc/elementwise.cc).
import { Rsqrt } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const rsqrtConfig = unaryKernelConfig(Rsqrt, UnaryOp.Rsqrt);
