'use strict';
/** Plain-text tables for stdout, and the same tables as Markdown for BENCHMARKS.md. */
const { human } = require('./stats');

function cell(value) {
  if (typeof value === 'number') return human(value);
  if (value === null || value === undefined) return 'n/a';
  return String(value);
}

/** A table: `title`, `columns`, `rows`, and an optional `note` printed under it. */
function renderText({ title, columns, rows, note }) {
  const cells = [columns, ...rows.map((row) => row.map(cell))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? '').length)));
  const line = (row) => row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [title, line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line), ...(note ? [note] : [])].join('\n');
}

function renderMarkdown({ title, columns, rows, note }) {
  const line = (row) => `| ${row.join(' | ')} |`;
  return [`**${title}**`, '', line(columns), line(columns.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map((row) => line(row.map(cell))), ...(note ? ['', note] : [])].join('\n');
}

module.exports = { renderText, renderMarkdown };
