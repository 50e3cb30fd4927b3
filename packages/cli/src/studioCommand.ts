import { Command, InvalidArgumentError } from 'commander';
import { selectBackend, startStudio } from '@dcgan-ts/node';
import { integer } from './parse.js';

export function studioCommand(): Command {
  return new Command('studio')
    .description('a web page that runs G in your browser (samples by seed, A - B + C, interpolation, z sliders, live training curves) and trains a DCGAN there (WebGPU, WebGL or CPU)')
    .option('--checkpoint <path>', 'a run directory (follows its latest checkpoint while it trains) or a checkpoint directory; without one, the page only trains')
    .option('--port <n>', 'port to listen on (0: any free port)', port, 8080)
    .option('--host <address>', 'address to bind; anything but loopback exposes the model to your network', '127.0.0.1')
    .addHelpText(
      'after',
      `
Examples:
  $ dcgan studio --checkpoint runs/00000-mnist32                         # open http://127.0.0.1:8080/
  $ dcgan studio --checkpoint runs/00000-mnist32/checkpoints/step-001500  # one checkpoint, not following the run
  $ dcgan studio                                                         # train in the browser: http://127.0.0.1:8080/?train=mnist&size=32&steps=500&autostart=1`,
    )
    .action(async (o: { checkpoint?: string; port: number; host: string }) => {
      await selectBackend('cpu'); // the server only loads and re-saves G's weights; the browser runs it
      const studio = await startStudio({ checkpoint: o.checkpoint, port: o.port, host: o.host });
      const { step, checkpoint } = studio.model();
      const serving = o.checkpoint === undefined ? 'no model; train in the browser' : `step ${step} of ${checkpoint}`;
      process.stdout.write(`dcgan studio: ${serving} at ${studio.url} (Ctrl-C stops)\n`);
      const stop = () => void studio.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

function port(value: string): number {
  const n = integer(value);
  if (n < 0 || n > 65535) throw new InvalidArgumentError('must be from 0 to 65535');
  return n;
}
