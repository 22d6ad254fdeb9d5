/** `npm run docs`: rewrites the generated blocks of README.md from the config schema and the error registry. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withGeneratedBlocks } from '../config/reference.js';
import { packageRoot } from '../paths.js';

const file = join(packageRoot(), 'README.md');
await writeFile(file, withGeneratedBlocks(await readFile(file, 'utf8')));
process.stdout.write(`updated ${file}\n`);
