// One case of `dcgan bench` in a process of its own, so that its peak RSS is its own: runBenchmark starts this file as
//   node measureCase.js SIZE STEPS BACKEND PRECISION
// and reads the OurMeasurement it prints as the last stdout line.
import { selectBackend, type BackendChoice } from '../backend.js';
import { type Precision, selectPrecision } from '../precision.js';
import { caseForSize, measureOurs } from './benchmark.js';

const [size, steps, backend, precision] = process.argv.slice(2);
try {
  const selected = await selectBackend(backend as BackendChoice);
  await selectPrecision((precision ?? 'fp32') as Precision, selected.name);
  process.stdout.write(JSON.stringify(await measureOurs(caseForSize(Number(size)), Number(steps))) + '\n');
} catch (e) {
  // One line for runBenchmark to pass on (it reads the last line of stderr), not a stack trace.
  process.stderr.write(`${((e as Error).message ?? String(e)).split('\n')[0]}\n`);
  process.exitCode = 1;
}
