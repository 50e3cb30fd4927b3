// Abs: |x| (float32; csrc/elementwise.cc).
import { Abs } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const absConfig = unaryKernelConfig(Abs, UnaryOp.Abs);
