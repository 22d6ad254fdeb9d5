import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../helpers/suite.js';
import * as assert from 'uvu/assert';
import { ConfirmationTemplates } from '../../src/notify/compose.js';
import type { ConfirmationView } from '../../src/notify/format.js';

const T = suite('notify/compose ConfirmationTemplates (compiled once)');

T('an operator\'s templates folder :: a template including another by a relative path :: rendered, escaped in HTML only, again alike', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mail2sms-templates-'));
  try {
    await writeFile(join(dir, 'confirmation.txt.eta'), "Text <%~ include('./partials/line.eta', it) %>");
    await writeFile(join(dir, 'confirmation.html.eta'), "<p><%~ include('./partials/line.eta', it) %></p>");
    await mkdir(join(dir, 'partials'));
    await writeFile(join(dir, 'partials', 'line.eta'), '<%= it.headline %>');
    const templates = new ConfirmationTemplates(dir);
    const view = { headline: 'SMS <delivered> & done' } as unknown as ConfirmationView;
    const first = await templates.render(view);
    assert.equal(first, { text: 'Text SMS <delivered> & done', html: '<p>SMS &lt;delivered&gt; &amp; done</p>' });
    assert.equal(await templates.render(view), first);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

T.run();
