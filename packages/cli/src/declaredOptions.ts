import { Option } from 'commander';
import { type OptionDeclaration, parseDeclaredValue } from '@dcgan-ts/node';
import { forCommander } from './parse.js';

/** The commander option of a declared option: its flag, help with the default, and its value's parser and check. */
export function commanderOption(declared: OptionDeclaration): Option {
  const flags = declared.placeholder === undefined ? declared.flag : `${declared.flag} ${declared.placeholder}`;
  const help = declared.default === undefined ? declared.help : `${declared.help} (default: ${declared.default})`;
  const option = new Option(flags, help);
  const { value } = declared;
  // commander's .choices() would show the choices in the help, but .argParser() after it drops its check: one parser
  // (the library's, shared with the job queue's worker) does both.
  if (typeof value === 'object') option.argChoices = [...value.choices];
  if (value !== 'flag' && value !== 'text' && value !== 'optional text') {
    option.argParser(forCommander((raw) => parseDeclaredValue(declared, raw)));
  }
  return option;
}
