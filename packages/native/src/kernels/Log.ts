// Log: ln(x) (float32; csrc/elementwise.cc).
import { Log } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const logConfig = unaryKernelConfig(Log, UnaryOp.Log);
