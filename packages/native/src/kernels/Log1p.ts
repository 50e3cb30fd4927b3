// Log1p: ln(1 + x) (float32; csrc/elementwise.cc).
import { Log1p } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const log1pConfig = unaryKernelConfig(Log1p, UnaryOp.Log1p);
