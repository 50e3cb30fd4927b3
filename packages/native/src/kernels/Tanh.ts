// Tanh: tanh(x) (float32; csrc/elementwise.cc).
import { Tanh } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const tanhConfig = unaryKernelConfig(Tanh, UnaryOp.Tanh);
