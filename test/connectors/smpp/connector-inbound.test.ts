import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import type { InboundSms } from '../../../src/connectors/types.js';
import { CREDENTIALS, sms, waitFor, withSmpp } from './harness.js';

/** Replies from handsets (deliver_sm, esm_class 0) over real SMPP from the SMSC simulator. */
const M = suite('smpp connector inbound');

const ESME_ROK = 0;
const ESME_RSYSERR = 0x08;

M('a reply :: handed to the listener with the sender in E.164 and the text decoded; deliver_sm_resp only once the listener settled', () =>
  withSmpp({}, async ({ sim, connector }) => {
    const got: InboundSms[] = [];
    let release!: () => void;
    connector.onInbound(async (m) => {
      got.push(m);
      await new Promise<void>((r) => (release = r));
    });
    let status: number | undefined;
    const answered = sim.sendMo({ systemId: CREDENTIALS.systemId, from: '+4915112345678', to: '80888', text: 'STOP' }).then((s) => (status = s));
    await waitFor('the reply to reach the listener', () => got.length === 1);
    assert.is(got[0].from, '+4915112345678');
    assert.is(got[0].to, '80888');
    assert.is(got[0].text, 'STOP');
    // The barrier: a submit_sm on the same link (transceiver) answered; the SMSC reads in order, so an early deliver_sm_resp came first.
    assert.ok((await connector.submit(sms('Marke'))).ok);
    assert.is(status, undefined, 'not answered while the listener has not stored it');
    release();
    await answered;
    assert.is(status, ESME_ROK);
  }));

M('a listener that cannot store it :: ESME_RSYSERR, so the SMSC sends the reply again', () =>
  withSmpp({}, async ({ sim, connector }) => {
    connector.onInbound(() => Promise.reject(new Error('disk full')));
    assert.is(await sim.sendMo({ systemId: CREDENTIALS.systemId, from: '+4915112345678', to: '80888', text: 'STOP' }), ESME_RSYSERR);
  }));

M('nobody takes replies :: answered ESME_ROK (an error would bring it back for ever) and logged', () =>
  withSmpp({}, async ({ sim, events }) => {
    assert.is(await sim.sendMo({ systemId: CREDENTIALS.systemId, from: '+4915112345678', to: '80888', text: 'Danke' }), ESME_ROK);
    assert.ok(events.some((e) => e.evt === 'smpp-deliver-ignored' && /an SMS from \+4915112345678/.test(String(e.reason))));
  }));

M.run();
