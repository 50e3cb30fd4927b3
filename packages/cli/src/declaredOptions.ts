import { InvalidArgumentError, Option } from 'commander';
import type { OptionDeclaration, OptionValue } from '@dcgan-ts/node';
import { colour } from './colour.js';
import { integer, positiveInteger, positiveNumber, seed, unitInterval } from './parse.js';

/** The parser of each kind of value; a bad value is commander's one line "option '--x <n>' argument 'v' is invalid. ...". */
const PARSERS: Record<Exclude<OptionValue, object>, ((value: string) => unknown) | null> = {
  integer,
  'positive integer': positiveInteger,
  'positive number': positiveNumber,
  'unit interval': unitInterval,
  seed,
  colour,
  text: null,
  flag: null,
  'optional text': null,
};

/** A fixed set of values; `numeric` ones arrive as numbers (`--kernel 5`). */
function choice(choices: readonly string[], numeric: boolean): (value: string) => string | number {
  return (value) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    return numeric ? Number(value) : value;
  };
}

/** The commander option of a declared option: its flag, help with the default, and its value's parser and check. */
export function commanderOption(declared: OptionDeclaration): Option {
  const flags = declared.placeholder === undefined ? declared.flag : `${declared.flag} ${declared.placeholder}`;
  const help = declared.default === undefined ? declared.help : `${declared.help} (default: ${declared.default})`;
  const option = new Option(flags, help);
  const { value } = declared;
  if (typeof value === 'object') {
    // commander's .choices() would show them in the help, but .argParser() after it drops its check: one parser does both.
    option.argChoices = [...value.choices];
    option.argParser(choice(value.choices, value.numeric === true));
  } else {
    const parse = PARSERS[value];
    if (parse) option.argParser(parse);
  }
  return option;
}
