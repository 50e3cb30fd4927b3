import { Command } from 'commander';
import { formatRunReport, pictureFormat, readRunLog, renderRunReport, summarizeRun, writeFileAtomic } from '@dcgan-ts/node';
import { jsonOption } from './sharedOptions.js';

export function reportCommand(): Command {
  return new Command('report')
    .description("a run's curves in one PNG (losses, D's outputs, every metric --eval-every recorded) and a summary")
    .requiredOption('--run <dir>', 'a run directory')
    .option('--out <file>', 'the PNG to write (default: report.png)', 'report.png')
    .addOption(jsonOption('the summary'))
    .addHelpText('after', '\nExamples:\n  $ dcgan report --run runs/00000-mnist32\n  $ dcgan report --run runs/00000-mnist32 --out curves.png --json')
    .action(async (o: { run: string; out: string; json?: boolean }) => {
      pictureFormat(o.out, ['png']);
      const { log, config } = await readRunLog(o.run);
      const report = summarizeRun(o.run, log, config);
      const image = await renderRunReport(report, log);
      await writeFileAtomic(o.out, image.png);
      process.stdout.write([...formatRunReport(report), `-> ${o.out} (${image.width}x${image.height})`].join('\n') + '\n');
      if (o.json) process.stdout.write(JSON.stringify({ ...report, out: o.out, width: image.width, height: image.height }) + '\n');
    });
}
