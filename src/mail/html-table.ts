/**
 * HTML tables as SMS text, through html-to-text's own table builder (each
 * cell rendered on its own, then the rows put together here).
 *
 * Invoices from Outlook and ERPs come as tables, and html-to-text's default
 * (a table is a block, cells are inline) ran the cells together: "INV-1 |
 * 10 €" read "INV-110 €". Its dataTable formatter keeps them apart with
 * padded columns, which cost characters and line up on no phone (SMS apps
 * use proportional fonts), and puts cells of several lines side by side.
 * Here a row is one line with its cells separated by a space — what
 * Outlook's own text part gives too (a tab, which transliteration makes a
 * space). A row with a cell of several lines is a layout table (the whole
 * mail in one cell, a logo beside a signature): its cells' lines come one
 * after the other, as if there were no table.
 */
import type { FormatCallback } from 'html-to-text';

type Node = Parameters<FormatCallback>[0];
type Cell = { text: string };

export const smsTable: FormatCallback = (elem, walk, builder) => {
  builder.openTable();
  for (const row of rowsOf(elem)) {
    builder.openTableRow();
    for (const cell of row.children.filter((c) => c.name === 'td' || c.name === 'th')) {
      builder.openTableCell();
      walk(cell.children, builder);
      builder.closeTableCell();
    }
    builder.closeTableRow();
  }
  // A blank line before and after, as around a paragraph: with one line break, the text after a table ran into its last row.
  builder.closeTable({ tableToString: tableText, leadingLineBreaks: 2, trailingLineBreaks: 2 });
};

// Rows directly in the table or in its row groups; a nested table is a cell's content.
function rowsOf(table: Node): Node[] {
  return table.children.flatMap((c) => (c.name === 'tr' ? [c] : ['thead', 'tbody', 'tfoot'].includes(c.name ?? '') ? rowsOf(c) : []));
}

function tableText(rows: Cell[][]): string {
  return rows.map(rowText).filter((line) => line !== '').join('\n');
}

// Empty and &nbsp;-only cells (spacers) drop out.
function rowText(cells: Cell[]): string {
  const texts = cells.map((c) => c.text.trim()).filter((t) => t !== '');
  return texts.join(texts.some((t) => t.includes('\n')) ? '\n' : ' ');
}
