import { Problem } from './problems.js';

/**
 * JSON null, which ERP serializers write for a field they have no value
 * for, is the field left out where the field is optional; the validator
 * would turn it into "" or 0 (coerceTypes) and refuse that value, or take
 * it as false, under a sentence naming a value nobody sent. Null where a
 * value is required (a number, the text) is named as null.
 */
export function nullIsAbsent(schema: { required?: readonly string[] }) {
  const required = new Set(schema.required ?? []);
  return async (req: { body: unknown }): Promise<void> => {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return;
    const fields = body as Record<string, unknown>;
    const errors: string[] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (v === null && required.has(k)) errors.push(`${k}: is null, and it is required`);
      else if (v === null) delete fields[k];
      else if (Array.isArray(v)) v.forEach((x, i) => x === null && errors.push(`${k}[${i}]: is null`));
    }
    if (errors.length) throw new Problem(400, 'BadRequest', `the request is not valid: ${errors.join('; ')}`, { errors });
  };
}

