/** Text into HTML, as Eta's <%= %> escapes it: for the few sentences of the tables that carry markup (<code>, links) around values. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
