/** RFC 8785 canonical JSON, so a hash over a payload is the same on every machine and in every language. */
import canonicalize from 'canonicalize';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
