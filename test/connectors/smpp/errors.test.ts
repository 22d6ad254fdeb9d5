import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import smpp from 'smpp';
import { describeStatus, parseOverrides, ruleFor, STATUS_RULES } from '../../../src/connectors/smpp/errors.js';

const S = suite('smpp errors :: command_status table');

const CASES: Array<[number, string, string | undefined]> = [
  [0x58, 'throttled', undefined],
  [0x14, 'temporary', undefined],
  [0x08, 'temporary', undefined],
  [0x64, 'temporary', undefined],
  [0x0a, 'permanent', 'rejected'],
  [0x0b, 'permanent', 'failed'],
  [0x45, 'permanent', 'failed'],
  [0x61, 'permanent', 'failed'],
  [0x62, 'permanent', 'failed'],
  [0x0401, 'permanent', 'failed'],
];

for (const [code, kind, final] of CASES) {
  S(`smpp errors :: 0x${code.toString(16)} :: ${kind}${final ? ` ${final}` : ''}`, () => {
    const rule = ruleFor(code);
    assert.is(rule.kind, kind);
    assert.is(rule.final, final);
  });
}

S('smpp errors :: descriptions name the error, its code and its meaning', () => {
  assert.is(describeStatus(0x0b), 'ESME_RINVDSTADR (0x0B) invalid destination address');
  assert.is(describeStatus(0x58), 'ESME_RTHROTTLED (0x58) throttling error (sending too fast)');
  assert.is(describeStatus(0x0400), 'command_status 0x0400 (SMSC vendor-specific error)');
});

S('smpp errors :: every name in the table is the one the smpp package uses for that code', () => {
  const known = smpp as unknown as Record<string, number>;
  for (const [code, rule] of STATUS_RULES) {
    if (rule.name in known) assert.is(known[rule.name], code, rule.name);
  }
});

S('smpp errors :: per-connector overrides :: a vendor code made temporary, bad keys reported', () => {
  const { overrides, problems } = parseOverrides({ '0x0400': 'temporary', '0x45': 'rejected', '1024': 'temporary' });
  assert.is(ruleFor(0x0400, overrides).kind, 'temporary');
  assert.equal([ruleFor(0x45, overrides).kind, ruleFor(0x45, overrides).final], ['permanent', 'rejected']);
  assert.equal(problems, ['1024: not a command_status (write it in hex, e.g. "0x0400")']);
});

S.run();
