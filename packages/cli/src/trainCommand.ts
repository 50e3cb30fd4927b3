import { Command } from 'commander';
import { DEFAULT_EPOCHS, planTraining, TRAIN_OPTIONS, train, type TrainRequest } from '@dcgan-ts/node';
import { dataNotes, dataProgressPrinter } from './dataReport.js';
import { commanderOption } from './declaredOptions.js';
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
  $ dcgan report --run runs/00000-mnist32               # curves of the losses and the metrics -> report.png
  $ dcgan train --ema 0.999 --eval-every 500 --keep-checkpoints 3   # averaged G; checkpoints/best by FID; 3 newest kept
  $ dcgan sample --checkpoint runs/00000-mnist32@best   # the best checkpoint of a run (also RUN@latest, RUN@1500)
  $ dcgan train --data small-set/ --augment translation,cutout,color   # DiffAugment for a few hundred images`;

interface TrainCliOptions extends Omit<TrainRequest, 'resume'> {
  resume?: boolean | string;
  dryRun?: boolean;
  json?: boolean;
}

export function trainCommand(): Command {
  const command = new Command('train').description(
    "train the paper's DCGAN (Radford et al. 2016, sections 3-4) and write a run directory",
  );
  for (const declared of TRAIN_OPTIONS) command.addOption(commanderOption(declared));
  return command
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
          onWarning: (line) => process.stderr.write(`dcgan: warning: ${line}\n`),
          onBest: (step, scalar, value) => process.stderr.write(`dcgan: best ${scalar} so far (${Number(value.toPrecision(4))}): checkpoints/best is step ${step}\n`),
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
