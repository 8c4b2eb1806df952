/** HTML text escaping for the generated pages and notebook outputs. */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A two-column table of labelled values (label cells as row headers), every text escaped. */
export function definitionTable(rows: readonly (readonly [string, string])[]): string {
  const body = rows.map(([label, value]) => `<tr><th scope="row" style="text-align:left">${escapeHtml(label)}</th><td style="text-align:left">${escapeHtml(value)}</td></tr>`);
  return `<table>\n${body.join('\n')}\n</table>`;
}
