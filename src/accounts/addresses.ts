/** Whether a sender address belongs to an account's list ("clerk@acme.test" or "@acme.test"); an empty list admits any. */
export function addressBelongs(patterns: readonly string[], address: string | undefined): boolean {
  if (!patterns.length) return true;
  const a = address?.trim().toLowerCase();
  if (!a || !a.includes('@')) return false;
  const domain = a.slice(a.lastIndexOf('@'));
  return patterns.some((p) => {
    const q = p.toLowerCase();
    return q.startsWith('@') ? q === domain : q === a;
  });
}

// RFC 5322 atext (plus letters and digits of any script, for SMTPUTF8) in dot-atom form, and a host name.
const LOCAL = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const HOST = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?(?:\.[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?)*$/u;

/**
 * A plain mailbox address: dot-atom local part and a host name. Quoted local
 * parts, address literals, commas and spaces are legal in SMTP but have no
 * place in a sender that confirmations go back to: a mail library reading
 * `"x@evil.test,"@acme.test` as a list would send the confirmation to a stranger.
 */
export function isPlainAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.length > 254) return false;
  return LOCAL.test(address.slice(0, at)) && HOST.test(address.slice(at + 1));
}
