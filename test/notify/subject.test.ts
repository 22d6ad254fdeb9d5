import { rm } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { confirmationMails, outboxFiles, startTestBridge } from '../helpers/bridge.js';
import { mailer, queuedAs } from '../helpers/smtp.js';
import { partOfType } from './mime.js';

/**
 * A confirmation quotes the clerk's subject as the SMS was sent: without the
 * option tags the bridge read and took out ("[NOTIFY:all] Zahlungserinnerung"
 * was quoted whole), but with brackets of the clerk's own, which are text.
 * Over real SMTP, the confirmations read back from the outbox.
 */
test('subject with option tags :: the confirmations quote it without them, in the subject and in the body; the DSN\'s copy of the headers keeps it as written', async () => {
  const b = await startTestBridge();
  try {
    const subject = '[NOTIFY:all] [REF:INV-4711] Zahlungserinnerung [WICHTIG] [qos:normal]';
    const info = await mailer(b.port).sendMail({ from: 'clerk@acme.test', to: '+4915112345661@sms.localhost', subject, text: 'Bitte begleichen Sie die Rechnung INV-4711.' });
    const id = `${queuedAs(info.response)}.1`;
    const mails = await confirmationMails(b, id, 3);
    assert.is(mails.get('accepted')?.subject, 'SMS accepted for +4915112345661: "Zahlungserinnerung [WICHTIG]"');
    assert.is(mails.get('submitted')?.subject, 'SMS handed to carrier for +4915112345661: "Zahlungserinnerung [WICHTIG]"');
    assert.is(mails.get('delivered')?.subject, 'SMS delivered to +4915112345661: "Zahlungserinnerung [WICHTIG]"');
    assert.match(mails.get('delivered')!.text!, /^Your mail: +Zahlungserinnerung \[WICHTIG\]$/m);

    const dsn = await mailer(b.port).sendMail({
      from: 'clerk@acme.test', to: '+4915112345662@sms.localhost', subject: '[REF:INV-4712] Mahnung', text: 'Zweite Mahnung.', dsn: { notify: ['success'], recipient: 'clerk@acme.test' },
    });
    const dsnId = `${queuedAs(dsn.response)}.1`;
    const report = (await confirmationMails(b, dsnId, 1)).get('delivered')!;
    assert.is(report.subject, 'SMS delivered to +4915112345662: "Mahnung"');
    const raw = [...(await outboxFiles(b)).entries()].find(([n]) => n.startsWith(`${dsnId}.delivered@`))![1];
    const headers = partOfType(Buffer.from(raw), 'text/rfc822-headers').body;
    assert.match(headers, /^Subject: \[REF:INV-4712\] Mahnung$/m, 'the original\'s headers as they were');
  } finally {
    await b.stop();
    await rm(b.dir, { recursive: true, force: true });
  }
});

test.run();
