// The runtime's user-facing strings, from the message catalogue
// locales/<lang>/rtmixer-config.json through RED._ (so translations can follow).
// Where RED._ has no catalogue loaded it returns the key (the test helper's
// does): the English catalogue answers instead, so a user never reads a key.
import type { NodeAPI } from './red-types';

const NAMESPACE = 'node-red-contrib-rtmixer/rtmixer-config';
const english: { runtime: Record<string, string> } = require('../locales/en-US/rtmixer-config.json');

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function translator(RED: NodeAPI): Translate {
  return (key, vars = {}) => {
    const text = RED._(`${NAMESPACE}:runtime.${key}`, vars);
    if (!text.endsWith(`runtime.${key}`)) return text;
    const one = vars.count === 1 ? english.runtime[`${key}_one`] : undefined;
    return (one ?? english.runtime[key] ?? key).replace(/__(\w+)__/g, (_, name: string) => String(vars[name]));
  };
}
