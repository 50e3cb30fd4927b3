// Square: x^2 (float32; csrc/elementwise.cc).
import { Square } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const squareConfig = unaryKernelConfig(Square, UnaryOp.Square);
