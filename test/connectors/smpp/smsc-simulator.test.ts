import { suite } from '../../helpers/suite.js';
import { waitFor } from '../../helpers/wait.js';
import * as assert from 'uvu/assert';
import smpp from 'smpp';
import { SMPP_STATUS, SmscSimulator, type SimOptions } from '../../../src/connectors/smpp/smsc-simulator.js';
import { encodeGsm7Unpacked, encodeUcs2 } from '../../../src/connectors/smpp/encode.js';
import { buildParts } from '../../../src/connectors/smpp/concat.js';
import { parseDeliveryReceipt, sameMessageId, type ReceiptPdu } from '../../../src/connectors/smpp/receipt.js';

const CREDENTIALS = { system_id: 'bridge', password: 'pw1' };

interface Peer {
  session: smpp.Session;
  /** deliver_sm PDUs received (each answered with deliver_sm_resp). */
  delivered: smpp.PDU[];
  /** Commands in arrival order, to observe receipt-before-response. */
  order: string[];
  closed: Promise<void>;
}

interface Ctx {
  sim: SmscSimulator;
  port: number;
  peers: Peer[];
}

/** How a test peer answers a deliver_sm: a command_status, or null for no answer at all. */
type Answering = (pdu: smpp.PDU) => number | null;

async function connect(ctx: Ctx, answer: Answering = () => 0): Promise<Peer> {
  const session = await new Promise<smpp.Session>((resolve, reject) => {
    const s = smpp.connect({ host: '127.0.0.1', port: ctx.port }, () => resolve(s));
    s.once('error', reject);
  });
  session.on('error', () => {}); // a dropped connection must fail the assertion, not the process
  const peer: Peer = { session, delivered: [], order: [], closed: new Promise((r) => session.once('close', () => r())) };
  session.on('pdu', (pdu: smpp.PDU) => peer.order.push(pdu.command));
  // The package leaves deliver_sm_resp to us; unanswered, a real SMSC would resend.
  session.on('deliver_sm', (pdu: smpp.PDU) => {
    peer.delivered.push(pdu);
    const status = answer(pdu);
    if (status !== null) session.send(pdu.response({ command_status: status }));
  });
  ctx.peers.push(peer);
  return peer;
}

type Call = 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver' | 'submit_sm' | 'enquire_link' | 'unbind';
const call = (peer: Peer, command: Call, fields: smpp.Fields = {}): Promise<smpp.PDU> =>
  new Promise((resolve) => peer.session[command](fields, resolve));

async function bound(ctx: Ctx, command: Call = 'bind_transceiver', answer?: Answering): Promise<Peer> {
  const peer = await connect(ctx, answer);
  const resp = await call(peer, command, CREDENTIALS);
  assert.is(resp.command_status, 0, 'bind');
  return peer;
}

/** A GSM-7 submit as the bridge sends it: data_coding 0 given explicitly, octets prepared by encode.ts. */
const gsmSubmit = (to: string, text: string, extra: smpp.Fields = {}): smpp.Fields => ({
  source_addr_ton: 5, source_addr_npi: 0, source_addr: 'ACME',
  dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: to,
  data_coding: 0, registered_delivery: 1, short_message: encodeGsm7Unpacked(text), ...extra,
});

/** The client side decodes short_message into { message }; receipt.ts wants the text. */
const receiptOf = (pdu: smpp.PDU) => {
  const sm = pdu['short_message'] as { message: string | Buffer };
  return parseDeliveryReceipt({ ...(pdu as unknown as ReceiptPdu), short_message: sm.message });
};

function simSuite(name: string, options: Partial<SimOptions> = {}) {
  const s = suite<Ctx>(`smsc-sim :: ${name}`, { peers: [] } as unknown as Ctx);
  s.before.each(async (ctx) => {
    ctx.sim = new SmscSimulator({ systemId: CREDENTIALS.system_id, password: CREDENTIALS.password, ...options });
    ctx.port = (await ctx.sim.start()).port;
    ctx.peers = [];
  });
  s.after.each(async (ctx) => {
    for (const peer of ctx.peers) peer.session.destroy();
    await ctx.sim.stop();
  });
  return s;
}

const bind = simSuite('bind');

bind('smsc-sim :: bind :: right credentials :: ESME_ROK for transceiver, transmitter and receiver', async (ctx) => {
  for (const command of ['bind_transceiver', 'bind_transmitter', 'bind_receiver'] as const) {
    const resp = await call(await connect(ctx), command, CREDENTIALS);
    assert.is(resp.command_status, 0, command);
  }
});

bind('smsc-sim :: bind :: wrong password :: ESME_RBINDFAIL', async (ctx) => {
  const resp = await call(await connect(ctx), 'bind_transceiver', { ...CREDENTIALS, password: 'nope' });
  assert.is(resp.command_status, SMPP_STATUS.RBINDFAIL);
});

bind('smsc-sim :: submit before bind :: ESME_RINVBNDSTS', async (ctx) => {
  const resp = await call(await connect(ctx), 'submit_sm', gsmSubmit('4915100000001', 'hi'));
  assert.is(resp.command_status, SMPP_STATUS.RINVBNDSTS);
});

bind('smsc-sim :: enquire_link and unbind :: answered, then the connection closes', async (ctx) => {
  const peer = await bound(ctx);
  assert.is((await call(peer, 'enquire_link')).command_status, 0);
  assert.is((await call(peer, 'unbind')).command, 'unbind_resp');
  await peer.closed;
});

const submit = simSuite('submit');

submit('smsc-sim :: GSM text :: resp id, recorded as sent, receipt DELIVRD with the same id', async (ctx) => {
  const peer = await bound(ctx);
  const resp = await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'Hello @ {world} €5'));
  assert.is(resp.command_status, 0);
  const [rec] = ctx.sim.received;
  assert.equal([rec!.source, rec!.destination], [{ ton: 5, npi: 0, addr: 'ACME' }, { ton: 1, npi: 1, addr: '4915100000001' }]);
  assert.is(rec!.dataCoding, 0);
  assert.is(rec!.text, 'Hello @ {world} €5');
  await waitFor('receipt', () => peer.delivered.length === 1);
  const receipt = receiptOf(peer.delivered[0]!);
  assert.is(receipt?.stat, 'DELIVRD');
  assert.ok(sameMessageId(receipt!.id, resp['message_id'] as string));
  assert.match(String((peer.delivered[0]!['short_message'] as { message: string }).message), /^id:\S+ sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:Hello/);
  await waitFor('deliver_sm_resp', () => ctx.sim.receipts[0]?.acked === true);
});

submit('smsc-sim :: decimal resp id, hex id in receipt text, no TLVs :: text receipt still matches', async (ctx) => {
  ctx.sim.set({ idFormat: 'decimal', receiptIdFormat: 'hex', receiptTlvs: false });
  const peer = await bound(ctx);
  const resp = await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'ids'));
  assert.match(resp['message_id'] as string, /^\d+$/);
  await waitFor('receipt', () => peer.delivered.length === 1);
  assert.is(peer.delivered[0]!['receipted_message_id'], undefined);
  const receipt = receiptOf(peer.delivered[0]!);
  assert.ok(sameMessageId(receipt!.id, resp['message_id'] as string));
});

submit('smsc-sim :: registered_delivery 0 :: no receipt', async (ctx) => {
  const peer = await bound(ctx);
  await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'quiet', { registered_delivery: 0 }));
  await call(peer, 'enquire_link'); // a round trip after which an immediate receipt would have arrived
  assert.is(peer.delivered.length, 0);
});

for (const refBits of [8, 16] as const) {
  submit(`smsc-sim :: 3-part UDH (${refBits}-bit ref) :: reassembled, one receipt per part`, async (ctx) => {
    const text = 'Lorem ipsum dolor sit amet, €uro [x]. '.repeat(8).slice(0, 300);
    const parts = buildParts(text, 'GSM7', { ref: 200, refBits });
    assert.is(parts.length, 3);
    const peer = await bound(ctx);
    for (const p of parts) await call(peer, 'submit_sm', gsmSubmit('4915100000001', '', { esm_class: 0x40, short_message: p.shortMessage }));
    assert.is(ctx.sim.messages.length, 1);
    assert.is(ctx.sim.messages[0]!.text, text);
    assert.is(ctx.sim.messages[0]!.parts, 3);
    assert.equal(ctx.sim.received.map((r) => r.concat?.seq), [1, 2, 3]);
    await waitFor('3 receipts', () => peer.delivered.length === 3);
  });
}

submit('smsc-sim :: UCS-2 with emoji, single and 3 parts :: round-trips', async (ctx) => {
  const peer = await bound(ctx);
  const short = 'Grüße 😀 Привет';
  await call(peer, 'submit_sm', gsmSubmit('4915100000001', '', { data_coding: 8, short_message: encodeUcs2(short) }));
  const long = 'ж'.repeat(66) + '😀'.repeat(40);
  for (const p of buildParts(long, 'UCS2', { ref: 7, refBits: 8 })) {
    await call(peer, 'submit_sm', gsmSubmit('4915100000001', '', { data_coding: 8, esm_class: 0x40, short_message: p.shortMessage }));
  }
  assert.equal(ctx.sim.messages.map((m) => m.text), [short, long]);
});

submit('smsc-sim :: message_payload TLV :: read instead of short_message', async (ctx) => {
  const peer = await bound(ctx);
  const text = 'x'.repeat(400);
  await call(peer, 'submit_sm', gsmSubmit('4915100000001', '', { short_message: Buffer.alloc(0), message_payload: encodeGsm7Unpacked(text) }));
  assert.ok(ctx.sim.received[0]!.viaPayload);
  assert.is(ctx.sim.messages[0]!.text, text);
});

submit('smsc-sim :: smpp package, string without data_coding :: arrives as data_coding 1 (known package default)', async (ctx) => {
  const peer = await bound(ctx);
  await call(peer, 'submit_sm', { destination_addr: '4915100000001', short_message: 'plain' });
  assert.is(ctx.sim.received[0]!.dataCoding, 1);
});

const misbehave = simSuite('behaviour');

misbehave('smsc-sim :: throttle next 2 :: 0x58 twice, then accepted', async (ctx) => {
  ctx.sim.set({ throttleNext: 2 });
  const peer = await bound(ctx);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await call(peer, 'submit_sm', gsmSubmit('4915100000001', `m${i}`))).command_status);
  assert.equal(statuses, [0x58, 0x58, 0]);
  assert.is(ctx.sim.messages.length, 1);
});

misbehave('smsc-sim :: rate above 2/s :: third within the second throttled, accepted again a second later', async (ctx) => {
  let now = Date.UTC(2025, 0, 1);
  await ctx.sim.stop(); // this one needs a clock of its own
  ctx.sim = new SmscSimulator({ systemId: 'bridge', password: 'pw1', now: () => new Date(now), behaviour: { maxPerSecond: 2 } });
  ctx.port = (await ctx.sim.start()).port;
  const peer = await bound(ctx);
  const send = async (): Promise<number> => (await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'r'))).command_status;
  assert.equal([await send(), await send(), await send()], [0, 0, 0x58]);
  now += 1001;
  assert.is(await send(), 0);
});

misbehave('smsc-sim :: fail for given numbers :: that status for them only', async (ctx) => {
  ctx.sim.set({ fail: { status: 0x0b, numbers: ['+4915100000009'] } });
  const peer = await bound(ctx);
  assert.is((await call(peer, 'submit_sm', gsmSubmit('4915100000009', 'x'))).command_status, 0x0b);
  assert.is((await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'x'))).command_status, 0);
});

misbehave('smsc-sim :: UNDELIV numbers :: receipt UNDELIV, message_state 5, failed', async (ctx) => {
  ctx.sim.set({ undelivNumbers: ['4915100000002'] });
  const peer = await bound(ctx);
  const resp = await call(peer, 'submit_sm', gsmSubmit('4915100000002', 'nope'));
  await waitFor('receipt', () => peer.delivered.length === 1);
  assert.is(peer.delivered[0]!['message_state'], 5);
  const receipt = receiptOf(peer.delivered[0]!);
  assert.equal([receipt?.stat, receipt?.status], ['UNDELIV', 'failed']);
  assert.ok(sameMessageId(receipt!.id, resp['message_id'] as string));
});

misbehave('smsc-sim :: drop after 1 submit :: second unanswered, socket closed; reconnect works', async (ctx) => {
  ctx.sim.set({ dropAfterSubmits: 1 });
  const peer = await bound(ctx);
  assert.is((await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'a'))).command_status, 0);
  let answered = false;
  void call(peer, 'submit_sm', gsmSubmit('4915100000001', 'b')).then(() => (answered = true));
  await peer.closed;
  assert.not.ok(answered);
  assert.equal(ctx.sim.received.map((r) => r.status), [0, undefined]);
  const again = await bound(ctx);
  assert.is((await call(again, 'submit_sm', gsmSubmit('4915100000001', 'c'))).command_status, 0);
});

misbehave('smsc-sim :: drop after 2 submits sent together :: the answers written before the drop still go out first', async (ctx) => {
  // The three usually arrive in one read: the simulator answers the first two in the turn it drops the
  // connection in, and its writes are batched per turn (turn-cork.ts), so they must be flushed before it.
  ctx.sim.set({ dropAfterSubmits: 2 });
  const peer = await bound(ctx);
  const answers = ['a', 'b', 'c'].map((t) => {
    const r = { status: undefined as number | undefined };
    void call(peer, 'submit_sm', gsmSubmit('4915100000001', t)).then((resp) => (r.status = resp.command_status));
    return r;
  });
  await peer.closed;
  assert.equal(answers.map((a) => a.status), [0, 0, undefined]);
  assert.equal(ctx.sim.received.map((r) => r.status), [0, 0, undefined]);
});

misbehave('smsc-sim :: dropNow :: every connection closes', async (ctx) => {
  const [a, b] = [await bound(ctx), await bound(ctx)];
  ctx.sim.dropNow();
  await Promise.all([a.closed, b.closed]);
  await waitFor('no connections', () => ctx.sim.connections === 0);
});

misbehave('smsc-sim :: stall :: submit_sm unanswered while enquire_link still is', async (ctx) => {
  ctx.sim.set({ stall: true });
  const peer = await bound(ctx);
  let answered = false;
  void call(peer, 'submit_sm', gsmSubmit('4915100000001', 'stuck')).then(() => (answered = true));
  // The barrier: the simulator answers PDUs in the order they come (no response delay here), so an answer to the submit_sm would have come first.
  assert.is((await call(peer, 'enquire_link')).command_status, 0);
  assert.not.ok(answered);
  assert.is(ctx.sim.received[0]!.status, undefined);
});

misbehave('smsc-sim :: receipt delay 150 ms :: not before, but after', async (ctx) => {
  ctx.sim.set({ receiptDelayMs: 150 });
  const peer = await bound(ctx);
  const sent = Date.now();
  await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'later'));
  await waitFor('receipt', () => peer.delivered.length === 1);
  assert.ok(Date.now() - sent >= 140, `receipt after ${Date.now() - sent} ms`);
});

misbehave('smsc-sim :: receipt before response :: deliver_sm arrives before submit_sm_resp', async (ctx) => {
  ctx.sim.set({ receiptBeforeResponse: true });
  const peer = await bound(ctx);
  const resp = await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'race'));
  assert.equal(peer.order.slice(1), ['deliver_sm', 'submit_sm_resp']);
  assert.ok(sameMessageId(receiptOf(peer.delivered[0]!)!.id, resp['message_id'] as string));
});

misbehave('smsc-sim :: transmitter + receiver :: receipt goes to the receiver, or waits for its bind', async (ctx) => {
  const tx = await bound(ctx, 'bind_transmitter');
  await call(tx, 'submit_sm', gsmSubmit('4915100000001', 'stored'));
  const rx = await bound(ctx, 'bind_receiver');
  await waitFor('stored receipt', () => rx.delivered.length === 1);
  await call(tx, 'submit_sm', gsmSubmit('4915100000001', 'direct'));
  await waitFor('direct receipt', () => rx.delivered.length === 2);
  assert.is(tx.delivered.length, 0);
});

misbehave('smsc-sim :: hold receipts :: none until released, then oldest first, as many as asked', async (ctx) => {
  ctx.sim.set({ holdReceipts: true });
  const peer = await bound(ctx);
  const first = await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'one'));
  await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'two'));
  await waitFor('both receipts held', () => ctx.sim.heldReceipts === 2);
  await call(peer, 'enquire_link'); // a round trip: a receipt sent meanwhile would have arrived
  assert.is(peer.delivered.length, 0);
  assert.is(ctx.sim.releaseReceipts(1), 1);
  await waitFor('first receipt', () => peer.delivered.length === 1);
  assert.ok(sameMessageId(receiptOf(peer.delivered[0]!)!.id, first['message_id'] as string));
  assert.equal([ctx.sim.releaseReceipts(), ctx.sim.heldReceipts], [1, 0]);
  await waitFor('second receipt', () => peer.delivered.length === 2);
});

misbehave('smsc-sim :: a receipt unanswered when the connection closes :: sent again after the next bind of that system_id', async (ctx) => {
  const mute = await bound(ctx, 'bind_transceiver', () => null);
  await call(mute, 'submit_sm', gsmSubmit('4915100000001', 'again'));
  await waitFor('receipt, unanswered', () => mute.delivered.length === 1);
  mute.session.destroy();
  await mute.closed;
  const next = await bound(ctx);
  await waitFor('the same receipt again', () => next.delivered.length === 1 && ctx.sim.receipts[0]!.acked);
  assert.equal([ctx.sim.receipts.length, ctx.sim.receipts[0]!.deliveries], [1, 2]);
  assert.is(receiptOf(next.delivered[0]!)!.id, receiptOf(mute.delivered[0]!)!.id);
});

misbehave('smsc-sim :: a receipt answered with an error :: sent again on the same connection', async (ctx) => {
  let refusals = 1;
  const peer = await bound(ctx, 'bind_transceiver', () => (refusals-- > 0 ? 0x08 : 0));
  await call(peer, 'submit_sm', gsmSubmit('4915100000001', 'retry'));
  await waitFor('receipt twice, answered the second time', () => peer.delivered.length === 2 && ctx.sim.receipts[0]!.acked);
  assert.equal([ctx.sim.receipts.length, ctx.sim.receipts[0]!.deliveries], [1, 2]);
});

misbehave('smsc-sim :: response delay :: the submit is recorded at once, answered later', async (ctx) => {
  ctx.sim.set({ responseDelayMs: 200 });
  const peer = await bound(ctx);
  let answered = false;
  const resp = call(peer, 'submit_sm', gsmSubmit('4915100000001', 'slow')).then((r) => ((answered = true), r));
  await waitFor('recorded', () => ctx.sim.received.length === 1);
  assert.not.ok(answered);
  assert.is((await resp).command_status, 0);
  await waitFor('receipt after the answer', () => peer.delivered.length === 1);
  assert.equal(peer.order.slice(1), ['submit_sm_resp', 'deliver_sm']);
});

bind.run();
submit.run();
misbehave.run();
