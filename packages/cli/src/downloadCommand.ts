import { Argument, Command } from 'commander';
import { DcganError } from '@dcgan-ts/core';
import {
  describeRemovedLeftover,
  downloadDataset,
  downloadLsun,
  LSUN_CATEGORIES,
  LSUN_SETS,
  REMOTE_DATASET_NAMES,
  REMOTE_DATASETS,
  type RemoteDatasetName,
} from '@dcgan-ts/node';
import { jsonOption } from './sharedOptions.js';

const EXAMPLES = `
Examples:
  $ dcgan download cifar10                        # into ~/.cache/dcgan-ts/cifar10 (or $DCGAN_CACHE/cifar10)
  $ dcgan train --dataset cifar10                 # then trains from the cache
  $ dcgan download fashion-mnist --dir data/      # data/fashion-mnist/*.gz; train with --data data/fashion-mnist
  $ dcgan download mnist --mirror http://10.0.0.5/mnist   # files from a mirror (also: DCGAN_MIRROR=URL)
  $ dcgan download lsun --category bedroom        # LSUN's bedrooms (43 GB zip) -> ~/.cache/dcgan-ts/lsun/bedroom_train_lmdb
  $ dcgan download lsun --category tower --set val --dir data/`;

interface DownloadCliOptions {
  category?: string;
  set?: string;
  dir?: string;
  mirror?: string;
  json?: boolean;
}

export function downloadCommand(): Command {
  return new Command('download')
    .description('fetch a dataset\'s canonical files, verify their published MD5 checksums, keep them in the cache')
    .addArgument(new Argument('<dataset>', 'what to fetch').choices([...REMOTE_DATASET_NAMES, 'lsun']))
    .option('--category <name>', `lsun: the scene category (${LSUN_CATEGORIES.join(', ')})`)
    .option('--set <set>', `lsun: ${LSUN_SETS.join(' or ')} (default: train)`)
    .option('--dir <dir>', 'put the files in DIR/<dataset>/ (default: $DCGAN_CACHE or ~/.cache/dcgan-ts)')
    .option('--mirror <url>', 'fetch from URL/<file> instead of the canonical site ({dataset} in URL becomes the name)')
    .addOption(jsonOption())
    .addHelpText('after', EXAMPLES)
    .action(async (name: RemoteDatasetName | 'lsun', o: DownloadCliOptions) => {
      const tty = process.stderr.isTTY === true;
      let lastDraw = 0;
      const shared = {
        dir: o.dir,
        mirror: o.mirror,
        onRemovedLeftover: (removed: Parameters<typeof describeRemovedLeftover>[0]) => process.stderr.write(`dcgan: ${describeRemovedLeftover(removed)}\n`),
        onProgress: (file: string, received: number, total: number | null) => {
          const now = performance.now();
          if (!tty || now - lastDraw < 200) return;
          lastDraw = now;
          const pct = total ? ` ${((100 * received) / total).toFixed(0)}%` : '';
          process.stderr.write(`\rdcgan: ${file} ${(received / 2 ** 20).toFixed(1)} MiB${pct}\x1b[K`);
        },
      };
      if (name === 'lsun') {
        if (o.category === undefined) throw new DcganError(`dcgan download lsun needs --category (${LSUN_CATEGORIES.join(', ')})`);
        const lsun = await downloadLsun({ ...shared, category: o.category, set: o.set });
        if (tty) process.stderr.write('\r\x1b[K');
        process.stdout.write(`${lsun.reused ? 'kept' : 'fetched and unzipped'} ${lsun.dir}: ${lsun.entries} images (--data ${lsun.dir})\n`);
        if (o.json) process.stdout.write(JSON.stringify(lsun) + '\n');
        return;
      }
      if (o.category !== undefined || o.set !== undefined) throw new DcganError('--category and --set are for dcgan download lsun');
      const result = await downloadDataset(name, shared);
      if (tty) process.stderr.write('\r\x1b[K');
      for (const f of result.files) {
        process.stdout.write(`${f.reused ? 'kept' : 'fetched'} ${f.file} (${f.bytes} bytes, MD5 verified)\n`);
      }
      const dataPath = REMOTE_DATASETS[name].dataPath;
      process.stdout.write(`${name} is ready in ${result.dir}${dataPath === '.' ? '' : ` (--data ${dataPath})`}\n`);
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
    });
}
