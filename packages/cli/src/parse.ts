import { InvalidArgumentError } from 'commander';
import {
  OptionValueError,
  parseColour,
  parseInteger,
  parsePositiveInteger,
  parsePositiveNumber,
  parseSeed,
  parseUnitInterval,
} from '@dcgan-ts/node';

/**
 * commander option parsers over the library's (node's optionValues.ts: the job queue's worker checks values with the
 * same words): a bad value becomes commander's one-line "error: option ... argument ... is invalid".
 */
export function forCommander<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      if (e instanceof OptionValueError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

export const integer = forCommander(parseInteger);
export const positiveInteger = forCommander(parsePositiveInteger);
export const positiveNumber = forCommander(parsePositiveNumber);
export const unitInterval = forCommander(parseUnitInterval);
export const seed = forCommander(parseSeed);
export const colour = forCommander(parseColour);
