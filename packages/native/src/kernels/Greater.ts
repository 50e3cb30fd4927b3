// Greater: a > b as bool (float32 inputs, broadcasting; csrc/elementwise.cc). LeakyRelu's and Relu6's gradients build their masks here.
import { Greater } from '@tensorflow/tfjs-core';

import { CompareOp } from '../binding.js';
import { compareKernelConfig } from './compare_impl.js';

export const greaterConfig = compareKernelConfig(Greater, CompareOp.Greater);
