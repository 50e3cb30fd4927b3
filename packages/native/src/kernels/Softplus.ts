// Softplus: ln(1 + e^x), with tfjs's float32 thresholds (float32; csrc/elementwise.cc).
import { Softplus } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const softplusConfig = unaryKernelConfig(Softplus, UnaryOp.Softplus);
