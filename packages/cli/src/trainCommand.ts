import { Command, Option } from 'commander';
import { backendOption } from './useBackend.js';
import { addImageOptions, addSourceOptions } from './dataOptions.js';
import { dataNotes, dataProgressPrinter } from './dataReport.js';
import { DEFAULT_EPOCHS, planTraining, train, type TrainRequest } from '@dcgan-ts/node';
import { integer, positiveInteger, positiveNumber, seed, unitInterval } from './parse.js';
import { consoleReporter } from './progress.js';

const EXAMPLES = `
Examples:
  $ dcgan train                                  # the paper's DCGAN on MNIST 32x32, ${DEFAULT_EPOCHS} epochs, into runs/NNNNN-mnist32
  $ dcgan train --epochs 3 --seed 1 --out runs/mnist
  $ dcgan train --out runs/mnist --resume --epochs 10   # continue a run exactly where it stopped
  $ dcgan train --resume studio-step-000200.zip --out runs/from-browser --steps 2000   # a checkpoint the studio trained
  $ dcgan train --dataset fake --image-size 64 --channels 3 --steps 20 --ngf 8 --ndf 8 --batch-size 8
  $ dcgan train --dry-run --image-size 64 --channels 3  # print the resolved config and parameter counts
  $ dcgan train --dataset cifar10 --steps 2000          # from the cache filled by \`dcgan download cifar10\`
  $ dcgan train --dataset folder --data photos/ --image-size 64 --flip   # a folder of images, subfolders = classes
  $ dcgan train --data faces64.dcgan --epochs 10        # a file packed by \`dcgan prepare\`
  $ dcgan train-classifier && dcgan train --eval-every 500   # FID, KID, IS, precision/recall in log.jsonl
  $ dcgan report --run runs/00000-mnist32               # curves of the losses and the metrics -> report.png`;

interface TrainCliOptions extends Omit<TrainRequest, 'resume'> {
  resume?: boolean | string;
  dryRun?: boolean;
  json?: boolean;
}

export function trainCommand(): Command {
  const command = new Command('train').description(
    "train the paper's DCGAN (Radford et al. 2016, sections 3-4) and write a run directory",
  );
  addImageOptions(addSourceOptions(command));
  return command
    .option('--image-size <n>', 'image side, a power of two from 16 to 256 (default: 32)', integer)
    .addOption(new Option('--channels <n>', "1 or 3 (default: the dataset's)").argParser(integer))
    .option('--batch-size <n>', 'minibatch size (default: 128, the paper)', positiveInteger)
    .option('--steps <n>', 'total optimisation steps of the run', positiveInteger)
    .option('--epochs <n>', `total epochs of the run (default: ${DEFAULT_EPOCHS})`, positiveNumber)
    .option('--lr <x>', 'Adam learning rate (default: 0.0002)', positiveNumber)
    .option('--beta1 <x>', 'Adam beta1 (default: 0.5)', unitInterval)
    .option('--nz <n>', 'latent size (default: 100)', positiveInteger)
    .option('--ngf <n>', "G's base width (default: 64)", positiveInteger)
    .option('--ndf <n>', "D's base width (default: 64)", positiveInteger)
    .addOption(new Option('--kernel <n>', 'kernel of the strided convolutions (default: 4)').choices(['4', '5']).argParser(Number))
    .addOption(new Option('--z <dist>', 'latent distribution (default: normal)').choices(['normal', 'uniform']))
    .option('--seed <n>', 'run seed: weights, data order and noise (default: random, recorded)', seed)
    .option('--out <dir>', 'run directory (default: runs/NNNNN-<dataset><size>)')
    .option(
      '--resume [archive]',
      'continue the run in --out (default: the newest in runs/) from its latest checkpoint; with a checkpoint archive ' +
        "(.zip, the studio's download), continue that checkpoint in a new run directory --out",
    )
    .addOption(backendOption())
    .option('--log-every <n>', 'log every N steps (default: 50)', positiveInteger)
    .option('--sample-every <n>', 'write a sample grid every N steps (default: 500)', positiveInteger)
    .option('--checkpoint-every <n>', 'checkpoint every N steps (default: 500)', positiveInteger)
    .option('--eval-every <n>', 'quality metrics every N steps and at the end, into log.jsonl (default: none; 0 turns them off on --resume)', integer)
    .option('--eval-n <n>', 'samples (and reference images) per evaluation (default: 2000)', positiveInteger)
    .option('--eval-metrics <list>', 'comma-separated from fid,kid,is,pr,hist (default: fid,kid,is,pr)')
    .option('--classifier <dir>', 'feature extractor of the metrics (default: the one `dcgan train-classifier` cached)')
    .option('--dry-run', 'print the resolved config with parameter counts and exit')
    .option('--json', 'print the result as one JSON object on the last line')
    .addHelpText('after', EXAMPLES)
    .action(async (options: TrainCliOptions) => {
      const { dryRun, json, resume, ...rest } = options;
      const request: TrainRequest = typeof resume === 'string' ? { ...rest, resume: true, resumeFrom: resume } : { ...rest, resume };
      if (dryRun) {
        const { plan } = await planTraining(request, dataProgressPrinter());
        process.stdout.write(JSON.stringify(plan, null, json ? undefined : 2) + '\n');
        return;
      }
      const reporter = consoleReporter(process.stderr.isTTY === true && !json);
      let stopRequested = false;
      const onSigint = () => {
        if (stopRequested) process.exit(130);
        stopRequested = true;
        process.stderr.write('\ndcgan: stopping after this step and saving a checkpoint (Ctrl-C again to quit now)\n');
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await train(request, {
          ...reporter,
          onDataProgress: dataProgressPrinter(),
          onStart: (info) => {
            for (const line of dataNotes(info.plan.data)) process.stderr.write(`dcgan: ${line}\n`);
            reporter.onStart?.(info);
          },
          onNotice: (line) => process.stderr.write(`dcgan: ${line}\n`),
          shouldStop: () => stopRequested,
        });
        reporter.stop();
        const summary = result.interrupted ? `stopped at step ${result.step}` : `done at step ${result.step}`;
        process.stdout.write(`${summary}; run directory ${result.out}\n`);
        if (json) process.stdout.write(JSON.stringify(result) + '\n');
      } finally {
        reporter.stop();
        process.off('SIGINT', onSigint);
      }
    });
}
