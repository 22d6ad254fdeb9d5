import type { FastifyInstance } from 'fastify';
import { jsonSyntaxPlace } from '../config/json-error.js';
import { Problem } from './problems.js';

/**
 * JSON bodies are read by fastify's own parser (which also refuses
 * __proto__ and constructor.prototype keys), but a body it cannot read is
 * answered with where it went wrong, for the person wiring up an ERP,
 * instead of the framework's code FST_ERR_CTP_INVALID_JSON_BODY.
 */
export function explainBadJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (err, value) => (err ? done(invalidJson(body as string), undefined) : done(null, value)));
  });
}

function invalidJson(body: string): Problem {
  if (!body.trim()) return new Problem(400, 'InvalidJson', 'the body is empty: send a JSON object, like {"to": "+4915112345678", "text": "…"}');
  try {
    JSON.parse(body);
  } catch (e) {
    // Line and column, as the config file's are told: V8 names a character position, which no editor shows.
    const { line, column, what } = jsonSyntaxPlace(body, (e as Error).message);
    return new Problem(400, 'InvalidJson', `the body is not valid JSON at line ${line}, column ${column}: ${what}`, { line, column });
  }
  return new Problem(400, 'InvalidJson', 'the body has a key a request may not have (__proto__ or constructor.prototype)');
}
