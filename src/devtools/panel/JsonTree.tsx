// An event's JSON data as a tree, as DevTools shows objects: ▸/▾ to open and close, values
// coloured by type, big arrays and objects in ranges of at most 100 ([0 … 99], [100 … 199] …)
// and long strings cut, so any data renders a bounded number of rows. A flat list of rows
// with aria-level (an ARIA tree) and a single tab stop: arrows move, open and close.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import './detail.css';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

/** At most this many rows under one node: more children are grouped in ranges. */
export const MAX_CHILDREN = 100;
/** Strings longer than this show their start and a button for the rest. */
export const MAX_STRING = 500;
/** Opened at first: containers, breadth-first, while the tree stays within this many rows. */
const INITIAL_ROWS = 40;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The data as a JSON object or array; undefined for anything else (scalars are shown as text). */
export function parseJsonData(text: string): Container | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(text) as Container;
  } catch {
    return undefined;
  }
}

type Row =
  | { kind: 'node'; id: string; path: string; depth: number; label?: string; value: Json }
  /** Children start..end-1 of the container at `path`; it copies the container's path. */
  | { kind: 'range'; id: string; path: string; depth: number; container: Container; start: number; end: number };

const isContainer = (v: Json): v is Container => typeof v === 'object' && v !== null;

// An object's keys, once per object: ranges of a big object look them up by index.
const keyCache = new WeakMap<object, string[]>();
function keysOf(c: Container): string[] {
  let keys = keyCache.get(c);
  if (!keys) keyCache.set(c, (keys = Object.keys(c)));
  return keys;
}
const sizeOf = (c: Container) => (Array.isArray(c) ? c.length : keysOf(c).length);

/** The i-th child of `c` at `path`: its label, JSON path and value. */
function childOf(c: Container, path: string, i: number): { label: string; path: string; value: Json } {
  if (Array.isArray(c)) return { label: String(i), path: `${path}[${i}]`, value: c[i]! };
  const key = keysOf(c)[i]!;
  const plain = IDENTIFIER.test(key);
  return { label: plain ? key : JSON.stringify(key), path: plain ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, value: c[key]! };
}

/** The size of the ranges `count` children are grouped in: 100, 10 000… so no level has more than 100 rows. */
function rangeSize(count: number): number {
  let size = MAX_CHILDREN;
  while (count / size > MAX_CHILDREN) size *= MAX_CHILDREN;
  return size;
}

function pushChildren(rows: Row[], c: Container, path: string, depth: number, start: number, end: number, open: ReadonlySet<string>): void {
  if (end - start <= MAX_CHILDREN) {
    for (let i = start; i < end; i++) pushNode(rows, childOf(c, path, i), depth, open);
    return;
  }
  const size = rangeSize(end - start);
  for (let s = start; s < end; s += size) {
    const e = Math.min(end, s + size);
    const id = `${path}[${s}…${e - 1}]`;
    rows.push({ kind: 'range', id, path, depth, container: c, start: s, end: e });
    if (open.has(id)) pushChildren(rows, c, path, depth + 1, s, e, open);
  }
}

function pushNode(rows: Row[], node: { label?: string; path: string; value: Json }, depth: number, open: ReadonlySet<string>): void {
  rows.push({ kind: 'node', id: node.path, depth, ...node });
  if (isContainer(node.value) && open.has(node.path)) pushChildren(rows, node.value, node.path, depth + 1, 0, sizeOf(node.value), open);
}

/** The root open, then its descendants breadth-first while the rows fit in INITIAL_ROWS. */
function initiallyOpen(root: Container): Set<string> {
  const open = new Set<string>();
  let rows = 1;
  const queue: { path: string; value: Container }[] = [{ path: '$', value: root }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const n = sizeOf(next.value);
    const childRows = n <= MAX_CHILDREN ? n : Math.ceil(n / rangeSize(n));
    if (open.size > 0 && rows + childRows > INITIAL_ROWS) break;
    open.add(next.path);
    rows += childRows;
    if (n > MAX_CHILDREN) continue;
    for (let i = 0; i < n; i++) {
      const child = childOf(next.value, next.path, i);
      if (isContainer(child.value)) queue.push({ path: child.path, value: child.value });
    }
  }
  return open;
}

/** A one-line summary of a value, as DevTools previews a collapsed object. */
function preview(v: Json, nested = false): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (!isContainer(v)) return String(v);
  const n = sizeOf(v);
  if (nested) return Array.isArray(v) ? `Array(${n})` : '{…}';
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < n && length < 80; i++) {
    const child = childOf(v, '', i);
    const part = Array.isArray(v) ? preview(child.value, true) : `${child.label}: ${preview(child.value, true)}`;
    parts.push(part);
    length += part.length + 2;
  }
  const body = parts.join(', ') + (parts.length < n ? ', …' : '');
  return Array.isArray(v) ? `(${n}) [${body}]` : `{${body}}`;
}

const typeOf = (v: Json) => (v === null ? 'null' : typeof v);
const expandable = (r: Row) => r.kind === 'range' || isContainer(r.value);

/** `onSelect` gets the JSON path ($.choices[0].delta) of the row selected by click or keys. */
export function JsonTree({ value, onSelect }: { value: Container; onSelect: (path: string) => void }) {
  const [open, setOpen] = useState(() => initiallyOpen(value));
  const [selected, setSelected] = useState('$');
  /** Paths of long strings shown whole. */
  const [whole, setWhole] = useState<ReadonlySet<string>>(new Set());
  const tree = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => {
    const list: Row[] = [];
    pushNode(list, { path: '$', value }, 0, open);
    return list;
  }, [value, open]);
  const current = Math.max(0, rows.findIndex((r) => r.id === selected));

  // Keys move the selection: the focus follows it (only while the focus is in the tree).
  useEffect(() => {
    const row = tree.current?.querySelector<HTMLElement>('[aria-selected="true"]');
    if (row && tree.current?.contains(document.activeElement) && document.activeElement !== row) {
      row.focus();
      row.scrollIntoView?.({ block: 'nearest' });
    }
  }, [selected]);

  const select = (row: Row | undefined) => {
    if (!row) return;
    setSelected(row.id);
    onSelect(row.path);
  };
  const toggle = (row: Row) => {
    const next = new Set(open);
    if (!next.delete(row.id)) next.add(row.id);
    setOpen(next);
  };
  const showWhole = (path: string) => setWhole(new Set(whole).add(path));

  const onKeyDown = (ev: KeyboardEvent) => {
    const row = rows[current]!;
    const isOpen = open.has(row.id);
    if (ev.key === 'ArrowDown') select(rows[current + 1]);
    else if (ev.key === 'ArrowUp') select(rows[current - 1]);
    else if (ev.key === 'Home') select(rows[0]);
    else if (ev.key === 'End') select(rows[rows.length - 1]);
    else if (ev.key === 'ArrowRight') {
      if (expandable(row) && !isOpen) toggle(row);
      else if (isOpen) select(rows[current + 1]);
    } else if (ev.key === 'ArrowLeft') {
      if (isOpen) toggle(row);
      else select(rows.slice(0, current).findLast((r) => r.depth < row.depth));
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      if (expandable(row)) toggle(row);
      else if (row.kind === 'node' && typeof row.value === 'string') showWhole(row.path);
    } else return;
    // The tree's keys: the table or the page around it must not act on them too.
    ev.preventDefault();
    ev.stopPropagation();
  };

  return (
    <div class="json-tree" role="tree" aria-label="Data as JSON" ref={tree} onKeyDown={onKeyDown} data-testid="json-tree">
      {rows.map((row, i) => {
        const isOpen = open.has(row.id);
        return (
          <div
            key={row.id}
            class="jt-row"
            role="treeitem"
            aria-level={row.depth + 1}
            aria-expanded={expandable(row) ? isOpen : undefined}
            aria-selected={i === current}
            tabIndex={i === current ? 0 : -1}
            style={{ paddingLeft: `${row.depth * 14 + 2}px` }}
            data-path={row.path}
            data-testid="json-node"
            onClick={() => {
              select(row);
              if (expandable(row)) toggle(row);
            }}
          >
            <span class="jt-toggle" aria-hidden="true">
              {expandable(row) ? (isOpen ? '▾' : '▸') : ''}
            </span>
            {row.kind === 'range' ? (
              <span class="jt-range">
                [{row.start} … {row.end - 1}]
              </span>
            ) : (
              <>
                {row.label !== undefined && (
                  <>
                    <span class="jt-key">{row.label}</span>
                    <span class="jt-colon">: </span>
                  </>
                )}
                <Value value={row.value} brief={isOpen && row.depth > 0} whole={whole.has(row.path)} onWhole={() => showWhole(row.path)} />
              </>
            )}
          </div>
        );
      })}
    </div>
  );
}

/** `brief`: an open container below the root, whose children show what a preview would. */
function Value({ value, brief, whole, onWhole }: { value: Json; brief: boolean; whole: boolean; onWhole: () => void }) {
  if (isContainer(value)) return <span class="jt-preview">{preview(value, brief)}</span>;
  if (typeof value !== 'string' || whole || value.length <= MAX_STRING) return <span class={`jt-${typeOf(value)}`}>{typeof value === 'string' ? JSON.stringify(value) : String(value)}</span>;
  return (
    <>
      <span class="jt-string">{`${JSON.stringify(value.slice(0, MAX_STRING)).slice(0, -1)}…`}</span>
      <button
        type="button"
        class="jt-more"
        tabIndex={-1}
        onClick={(ev) => {
          ev.stopPropagation();
          onWhole();
        }}
      >
        {value.length - MAX_STRING} more characters
      </button>
    </>
  );
}
