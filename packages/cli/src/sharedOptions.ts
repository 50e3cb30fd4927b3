import { Option } from 'commander';

/** What `--checkpoint` takes wherever a command reads a trained model. */
const CHECKPOINT_HELP = 'a run directory (its latest checkpoint), a checkpoint directory or a checkpoint .zip';

/** `--checkpoint <path>`, required: the model a command reads (sample, explore, export, eval, classify, inside...). */
export function checkpointOption(): Option {
  return new Option('--checkpoint <path>', CHECKPOINT_HELP).makeOptionMandatory();
}

/** `--json`: the result as one JSON object on the last stdout line (the contract of every command that computes). */
export function jsonOption(what = 'the result'): Option {
  return new Option('--json', `print ${what} as one JSON object on the last line`);
}

/**
 * `--no-ema`: G's own weights where the checkpoint also holds their moving average (a run trained with --ema), which
 * the readers take by default.
 */
export function noEmaOption(): Option {
  return new Option('--no-ema', "use G's own weights, not their moving average, where the run kept one (train --ema)");
}
