import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { jsonSyntaxProblem } from '../../src/config/json-error.js';
import { runCli } from '../helpers/process.js';

/** A configuration file that is not JSON: where, as an editor counts (line, column), with the line and a caret. */
const J = suite('config json syntax');

const problemOf = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    return jsonSyntaxProblem(text, (e as Error).message);
  }
  throw new Error('valid JSON');
};

// [name, text, first line of the problem, the line shown, the caret line]
const cases: Array<[string, string, string, string, string]> = [
  ['a trailing comma', '{\n  "smtp": { "port": 2525 },\n}\n', 'not valid JSON at line 3, column 1: Expected double-quoted property name', '    }', '    ^'],
  ['a trailing comma, CRLF', '{\r\n  "smtp": { "port": 2525 },\r\n}\r\n', 'not valid JSON at line 3, column 1: Expected double-quoted property name', '    }', '    ^'],
  // V8 names no position here ("Unexpected token 'N', "…" is not valid JSON"): found by the search.
  ['NaN, where V8 names no position; tabs keep the caret in place', '{\n\t"limit": NaN\n}', 'not valid JSON at line 2, column 11: Unexpected token \'N\'', '    \t"limit": NaN', '    \t         ^'],
  ['a missing closing brace: after the last character', '{\n  "a": 1\n\n', 'not valid JSON at line 2, column 9: Expected \',\' or \'}\' after property value', '      "a": 1', '            ^'],
  ['single quotes', "{'a': 1}", 'not valid JSON at line 1, column 2: Expected property name or \'}\'', "    {'a': 1}", '     ^'],
  ['text after the object', '{"a": 1} x', 'not valid JSON at line 1, column 10: Unexpected non-whitespace character after JSON', '    {"a": 1} x', '             ^'],
];

for (const [name, text, first, shown, caret] of cases) {
  J(`json :: ${name}`, () => {
    assert.equal(problemOf(text).split('\n'), [first, shown, caret]);
  });
}

J('json :: a long line (minified) is shown around the place only', () => {
  const text = `{"x": [${'1,'.repeat(300)}]}`;
  const [first, shown, caret] = problemOf(text).split('\n');
  assert.is(first, `not valid JSON at line 1, column ${text.length - 1}: Unexpected token ']'`);
  assert.ok(shown!.length < 120 && shown!.startsWith('    …1,1,'), shown);
  assert.is(shown![caret!.length - 1], ']');
});

J('cli :: a config file with a trailing comma names line and column (exit 2); one saved with a byte order mark is read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-json-'));
  try {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, `{\n  "store": { "dir": ${JSON.stringify(join(dir, 'data'))} },\n}\n`);
    const r = await runCli(['--config', bad, 'brake', 'list']);
    assert.is(r.code, 2);
    assert.is(r.err, `mail2sms: invalid configuration in ${bad}:\n  - not valid JSON at line 3, column 1: Expected double-quoted property name\n    }\n    ^\n`);
    const bom = join(dir, 'bom.json');
    await writeFile(bom, `\uFEFF{ "store": { "dir": ${JSON.stringify(join(dir, 'data'))} } }`);
    assert.is((await runCli(['--config', bom, 'brake', 'list'])).code, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

J.run();
