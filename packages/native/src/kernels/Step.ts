// Step: x > 0 ? 1 : alpha, NaN stays NaN (float32; csrc/elementwise.cc). Relu's gradient.
import { Step } from '@tensorflow/tfjs-core';
import type { StepAttrs } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const stepConfig = unaryKernelConfig(Step, UnaryOp.Step, (attrs) => (attrs as unknown as StepAttrs).alpha);
