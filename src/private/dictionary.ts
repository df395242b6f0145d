/**
 * Objects keyed by user strings (manifest platforms and versions, package names), made without a prototype: a key
 * `__proto__` is then a key like any other rather than the object's prototype, and a key `constructor` or `toString`
 * is absent until set rather than inherited from `Object.prototype`. (A plain `{}` turns `obj['__proto__'] = v` into
 * a change of prototype and answers `obj['constructor']` with the `Object` function.)
 */
export type Dictionary<T> = Record<string, T>;

/** A prototype-free object of these entries, in their order. */
export function dictionary<T>(entries: Iterable<readonly [string, T]> = []): Dictionary<T> {
  const result: Dictionary<T> = Object.create(null);
  for (const [key, value] of entries) {
    result[key] = value;
  }
  return result;
}

/** Whether any key, at any depth of plain objects and arrays, is `__proto__`, which CDK's resolve would drop. */
export function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.some(hasProtoKey);
  }
  if (!value || typeof value !== 'object') {
    return false;
  }
  return Object.keys(value).some((key) => key === '__proto__' || hasProtoKey((value as Record<string, unknown>)[key]));
}
