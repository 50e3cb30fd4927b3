// Exp: e^x (float32; csrc/elementwise.cc).
import { Exp } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const expConfig = unaryKernelConfig(Exp, UnaryOp.Exp);
