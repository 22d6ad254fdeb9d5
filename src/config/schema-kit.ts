/** Small builders for the config schema: every key gets its default and its description in one call. */

export const str = (def: string, description: string, extra: object = {}) => ({ type: 'string', default: def, description, ...extra });
export const int = (def: number, description: string, min: number, max: number) =>
  ({ type: 'integer', default: def, description, minimum: min, maximum: max });
export const num = (def: number, description: string, min: number, max: number) =>
  ({ type: 'number', default: def, description, minimum: min, maximum: max });
export const bool = (def: boolean, description: string) => ({ type: 'boolean', default: def, description });
export const obj = (description: string, properties: Record<string, object>) =>
  ({ type: 'object', default: {}, description, additionalProperties: false, properties });
export const strings = (def: string[], description: string, item: object = {}) =>
  ({ type: 'array', items: { type: 'string', ...item }, default: def, description });
/** An object whose keys are free (header names, query parameters) and whose values are strings. */
export const stringMap = (description: string, value: object = { type: 'string' }) =>
  ({ type: 'object', default: {}, description, additionalProperties: value });
