// LeakyRelu: x < 0 ? alpha * x : x (float32; csrc/elementwise.cc). The DCGAN discriminator's
// activation (alpha 0.2).
import { LeakyRelu } from '@tensorflow/tfjs-core';
import type { LeakyReluAttrs } from '@tensorflow/tfjs-core';

import { UnaryOp } from '../binding.js';
import { unaryKernelConfig } from './unary_impl.js';

export const leakyReluConfig = unaryKernelConfig(LeakyRelu, UnaryOp.LeakyRelu,
  (attrs) => (attrs as unknown as LeakyReluAttrs).alpha);
