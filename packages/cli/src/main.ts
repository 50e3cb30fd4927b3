import { Command } from 'commander';
import { PACKAGE_VERSION } from '@dcgan-ts/node';
import { reportFailure } from './fail.js';
import { dataCommand } from './dataCommand.js';
import { downloadCommand } from './downloadCommand.js';
import { prepareCommand } from './prepareCommand.js';
import { queueCommand } from './queueCommand.js';
import { dedupCommand } from './dedupCommand.js';
import { reportCommand } from './reportCommand.js';
import { arithmeticCommand, interpolateCommand, projectCommand, sweepCommand } from './exploreCommands.js';
import { benchCommand } from './benchCommand.js';
import { classifyCommand } from './classifyCommand.js';
import { exportCommand } from './exportCommand.js';
import { ablateCommand, featuresCommand, probeCommand, visualizeCommand } from './insideCommands.js';
import { evalCommand, trainClassifierCommand } from './metricsCommands.js';
import { sampleCommand } from './sampleCommand.js';
import { studioCommand } from './studioCommand.js';
import { trainCommand } from './trainCommand.js';

/** `dcgan`: thin on purpose; each command parses its options, calls the library (../train.ts, ../sample.ts), prints. */
const program = new Command('dcgan')
  .description('dcgan-ts: train, sample and explore the DCGAN of Radford, Metz & Chintala (arXiv 1511.06434)')
  .version(PACKAGE_VERSION)
  .showSuggestionAfterError()
  .addHelpText(
    'after',
    `
Examples:
  $ dcgan train                                   # MNIST 32x32 with the paper's settings
  $ dcgan sample --checkpoint runs/00000-mnist32  # a grid of 64 samples -> grid.png
  $ dcgan train --help                            # every option, with more examples`,
  )
  .addCommand(trainCommand())
  .addCommand(sampleCommand())
  .addCommand(interpolateCommand())
  .addCommand(arithmeticCommand())
  .addCommand(sweepCommand())
  .addCommand(projectCommand())
  .addCommand(exportCommand())
  .addCommand(featuresCommand())
  .addCommand(classifyCommand())
  .addCommand(trainClassifierCommand())
  .addCommand(evalCommand())
  .addCommand(reportCommand())
  .addCommand(visualizeCommand())
  .addCommand(ablateCommand())
  .addCommand(probeCommand())
  .addCommand(studioCommand())
  .addCommand(benchCommand());

program.addCommand(prepareCommand()).addCommand(dedupCommand()).addCommand(downloadCommand()).addCommand(dataCommand());
program.addCommand(queueCommand());

/**
 * commander's own errors (an unknown command or option, a bad value) in the CLI's one-line form: "dcgan: error: ...",
 * its "(Did you mean ...?)" suggestion on the same line. Set on every command: addCommand does not pass it on.
 */
function oneLineErrors(command: Command): void {
  command.configureOutput({
    outputError: (text, write) => write(`dcgan: ${text.trim().split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ')}\n`),
  });
  for (const sub of command.commands) oneLineErrors(sub);
}
oneLineErrors(program);

program.parseAsync(process.argv).catch(reportFailure);
