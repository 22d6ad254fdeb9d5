import type { BenchContext } from './cases.js';
import type { Row } from './report.js';

export async function scale(_ctx: BenchContext): Promise<{ figures: unknown; rows: Row[]; notes: string[] }> {
  throw new Error('not yet');
}
