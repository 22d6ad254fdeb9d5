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
