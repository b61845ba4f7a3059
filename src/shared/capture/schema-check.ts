// Checks a value against the capture's JSON Schema (capture.schema.json), so the committed
// schema is the one definition of a valid file: the tests check every export against it with
// Ajv, and an import is checked against it here. (Ajv itself compiles schemas with `new
// Function`, which an extension page's content security policy forbids.) Only the keywords
// the schema uses are known; an unknown one is an error in the schema, reported as such.

export interface Schema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema | Schema[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  minLength?: number;
  definitions?: Record<string, Schema>;
}

/** Keywords that only describe. */
const NOTES = new Set(['$schema', '$id', 'title', 'description']);
const KNOWN = new Set([...NOTES, '$ref', 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'minimum', 'minLength', 'definitions']);

/** `events[3].attempt` */
const pathText = (path: readonly (string | number)[]) =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? key : `${text}.${key}`), '') || '(the file)';
const describe = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'object' ? 'an object' : JSON.stringify(x)?.slice(0, 40) ?? typeof x);

/**
 * The first `max` places where `value` breaks `schema`, each as "path: what is wrong" (empty:
 * it is valid). Stops early, so a huge bad file is not walked to its end. Written for speed (a
 * capture can hold a million records): the path is kept as a stack and put in words only for
 * an error, and each $ref is looked up once.
 */
export function schemaErrors(schema: Schema, value: unknown, max = 3): string[] {
  const refs = resolveRefs(schema);
  const errors: string[] = [];
  const path: (string | number)[] = [];
  const fail = (what: string) => void errors.push(`${pathText(path)} ${what}`);
  const check = (schemaNode: Schema, x: unknown): void => {
    const s = schemaNode.$ref === undefined ? schemaNode : refs.get(schemaNode.$ref)!;
    if ('const' in s && x !== s.const) return fail(`must be ${JSON.stringify(s.const)}, not ${describe(x)}`);
    if (s.enum && !s.enum.includes(x)) return fail(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}, not ${describe(x)}`);
    switch (s.type) {
      case 'string':
        if (typeof x !== 'string') return fail(`must be a string, not ${describe(x)}`);
        if (s.minLength !== undefined && x.length < s.minLength) return fail(`must not be empty`);
        return;
      case 'number':
      case 'integer':
        if (typeof x !== 'number' || !Number.isFinite(x)) return fail(`must be a number, not ${describe(x)}`);
        if (s.type === 'integer' && !Number.isInteger(x)) return fail(`must be a whole number, not ${x}`);
        if (s.minimum !== undefined && x < s.minimum) return fail(`must be at least ${s.minimum}, not ${x}`);
        return;
      case 'boolean':
        if (typeof x !== 'boolean') return fail(`must be true or false, not ${describe(x)}`);
        return;
      case 'array': {
        if (!Array.isArray(x)) return fail(`must be an array, not ${describe(x)}`);
        if (s.minItems !== undefined && x.length < s.minItems) return fail(`must have at least ${s.minItems} items`);
        if (s.maxItems !== undefined && x.length > s.maxItems) return fail(`must have at most ${s.maxItems} items`);
        const { items } = s;
        if (!items) return;
        for (let i = 0; i < x.length && errors.length < max; i++) {
          const item = Array.isArray(items) ? items[i] : items;
          if (!item) break;
          path.push(i);
          check(item, x[i]);
          path.pop();
        }
        return;
      }
      case 'object': {
        if (typeof x !== 'object' || x === null || Array.isArray(x)) return fail(`must be an object, not ${describe(x)}`);
        const o = x as Record<string, unknown>;
        for (const key of s.required ?? []) if (!(key in o)) fail(`has no "${key}"`);
        for (const key in o) {
          if (errors.length >= max) return;
          const p = s.properties?.[key];
          if (!p) {
            if (s.additionalProperties === false) fail(`has an unknown field "${key}"`);
            continue;
          }
          path.push(key);
          check(p, o[key]);
          path.pop();
        }
        return;
      }
    }
  };
  check(schema, value);
  return errors.slice(0, max);
}

const resolved = new WeakMap<Schema, Map<string, Schema>>();

/** Every `$ref` of the schema, resolved (and every keyword checked: an unknown one would be ignored, a silent hole in the check). */
function resolveRefs(root: Schema): Map<string, Schema> {
  let refs = resolved.get(root);
  if (refs) return refs;
  refs = new Map();
  const visit = (s: Schema): void => {
    for (const k in s) if (!KNOWN.has(k)) throw new Error(`capture schema: keyword ${k} is not supported`);
    if (s.$ref !== undefined) {
      const target = root.definitions?.[s.$ref.replace('#/definitions/', '')];
      if (!target) throw new Error(`capture schema: unknown $ref ${s.$ref}`);
      refs!.set(s.$ref, target);
    }
    [...Object.values(s.properties ?? {}), ...Object.values(s.definitions ?? {}), ...(Array.isArray(s.items) ? s.items : s.items ? [s.items] : [])].forEach(visit);
  };
  visit(root);
  resolved.set(root, refs);
  return refs;
}
