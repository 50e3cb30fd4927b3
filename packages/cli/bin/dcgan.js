#!/usr/bin/env node
// The `dcgan` command: the compiled CLI (npm run build writes dist/).
import '../dist/src/main.js';
