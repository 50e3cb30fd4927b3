import { Command, Option } from 'commander';
import { EXPORT_FORMATS, exportGenerator, selectBackend } from '@dcgan-ts/node';
import { checkpointOption, noEmaOption, jsonOption } from './sharedOptions.js';

export function exportCommand(): Command {
  return new Command('export')
    .description("export a checkpoint's generator (a TF.js LayersModel, an ml5.DCGAN model, ONNX) or the whole checkpoint as one .zip")
    .addOption(checkpointOption())
    .addOption(noEmaOption())
    .addOption(new Option('--format <format>', 'tfjs: LayersModel + manifest; ml5: for ml5.DCGAN (ml5 0.x); onnx: generator.onnx; checkpoint: checkpoint-step-NNNNNN.zip for the studio').choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--out <dir>', 'output folder')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Examples:
  $ dcgan export --checkpoint runs/00000-mnist32 --format tfjs --out web/model    # tf.loadLayersModel('web/model/model.json')
  $ dcgan export --checkpoint runs/00000-mnist32 --format ml5 --out sketch/dcgan  # ml5.DCGAN('sketch/dcgan/manifest.json')
  $ dcgan export --checkpoint runs/00000-mnist32 --format onnx --out onnx         # onnx/generator.onnx: z (N, nz) -> (N, C, S, S)
  $ dcgan export --checkpoint runs/00000-mnist32 --format checkpoint --out .      # checkpoint-step-NNNNNN.zip: train on in the studio`,
    )
    .action(async (o: { checkpoint: string; format: (typeof EXPORT_FORMATS)[number]; out: string; json?: boolean }) => {
      await selectBackend('cpu'); // exporting only copies weights
      const result = await exportGenerator({ ...o, onNotice: (line) => process.stderr.write(`dcgan: ${line}\n`) });
      process.stdout.write(`${result.format} export of step ${result.step} -> ${result.files.join(', ')}\n`);
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
    });
}
