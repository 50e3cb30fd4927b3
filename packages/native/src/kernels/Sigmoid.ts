// Sigmoid: 1 / (1 + exp(-x)) (float32; csrc/elementwise.cc).
import { Sigmoid } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const sigmoidConfig = unaryKernelConfig(Sigmoid, UnaryOp.Sigmoid);
