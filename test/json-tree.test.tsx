// @vitest-environment happy-dom
import { cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonTree, MAX_CHILDREN, MAX_STRING, parseJsonData } from '../src/devtools/panel/JsonTree';

type Container = Parameters<typeof JsonTree>[0]['value'];

afterEach(cleanup);

const CHUNK = { id: 'chatcmpl-demo', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hello', 'tool-calls': null }, done: false }] };

function tree(value: unknown) {
  const onSelect = vi.fn<(path: string) => void>();
  const view = render(<JsonTree value={value as Container} onSelect={onSelect} />);
  const rows = () => [...view.container.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  const row = (path: string) => {
    const found = rows().find((r) => r.dataset.path === path && !/^\[\d+ … \d+\]$/.test(text(r)));
    if (!found) throw new Error(`no row ${path} in ${rows().map((r) => r.dataset.path).join(' ')}`);
    return found;
  };
  return { ...view, onSelect, rows, row };
}
/** A row's text without its ▸/▾. */
const text = (r: HTMLElement) => r.textContent!.replace(/^[▸▾]/, '');

describe('JsonTree', () => {
  it('shows a small object opened, keys and values coloured by type', () => {
    const { rows, row } = tree(CHUNK);
    expect(rows().map((r) => [r.dataset.path, r.getAttribute('aria-level'), text(r)])).toEqual([
      ['$', '1', '{id: "chatcmpl-demo", object: "chat.completion.chunk", choices: Array(1)}'],
      ['$.id', '2', 'id: "chatcmpl-demo"'],
      ['$.object', '2', 'object: "chat.completion.chunk"'],
      ['$.choices', '2', 'choices: Array(1)'],
      ['$.choices[0]', '3', '0: {…}'],
      ['$.choices[0].index', '4', 'index: 0'],
      ['$.choices[0].delta', '4', 'delta: {…}'],
      ['$.choices[0].delta.content', '5', 'content: "Hello"'],
      ['$.choices[0].delta["tool-calls"]', '5', '"tool-calls": null'],
      ['$.choices[0].done', '4', 'done: false'],
    ]);
    const valueClass = (path: string) => row(path).querySelector('.jt-key + .jt-colon + span')!.className;
    expect(valueClass('$.id')).toBe('jt-string');
    expect(valueClass('$.choices[0].index')).toBe('jt-number');
    expect(valueClass('$.choices[0].done')).toBe('jt-boolean');
    expect(valueClass('$.choices[0].delta["tool-calls"]')).toBe('jt-null');
  });

  it('closes and opens a node on click (▾/▸, aria-expanded), with a preview when closed', () => {
    const { rows, row } = tree(CHUNK);
    expect(row('$.choices').getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(row('$.choices'));
    expect(row('$.choices').getAttribute('aria-expanded')).toBe('false');
    expect(row('$.choices').textContent).toBe('▸choices: (1) [{…}]');
    expect(rows().map((r) => r.dataset.path)).not.toContain('$.choices[0]');
    fireEvent.click(row('$.choices'));
    expect(row('$.choices').textContent).toBe('▾choices: Array(1)');
    expect(rows().map((r) => r.dataset.path)).toContain('$.choices[0].delta.content');
    // Leaves are not expandable.
    expect(row('$.id').hasAttribute('aria-expanded')).toBe(false);
  });

  it('gives the JSON path of the clicked node, in bracket notation where a key is no identifier', () => {
    const { row, onSelect } = tree({ ...CHUNK, '0': 1, 'a"b': 2 });
    fireEvent.click(row('$.choices[0].delta.content'));
    expect(onSelect).toHaveBeenLastCalledWith('$.choices[0].delta.content');
    expect(row('$.choices[0].delta.content').getAttribute('aria-selected')).toBe('true');
    fireEvent.click(row('$.choices[0].delta["tool-calls"]'));
    expect(onSelect).toHaveBeenLastCalledWith('$.choices[0].delta["tool-calls"]');
    fireEvent.click(row('$["0"]'));
    expect(onSelect).toHaveBeenLastCalledWith('$["0"]');
    fireEvent.click(row('$["a\\"b"]'));
    expect(onSelect).toHaveBeenLastCalledWith('$["a\\"b"]');
  });

  it('is one tab stop that the arrow keys move through, open and close', () => {
    const { rows, row, onSelect, getByRole } = tree(CHUNK);
    const selected = () => rows().find((r) => r.getAttribute('aria-selected') === 'true')!.dataset.path;
    expect(rows().filter((r) => r.tabIndex === 0).map((r) => r.dataset.path)).toEqual(['$']);
    row('$').focus();
    const key = (k: string) => fireEvent.keyDown(getByRole('tree'), { key: k });
    key('ArrowDown');
    key('ArrowDown');
    key('ArrowDown');
    expect(selected()).toBe('$.choices');
    expect(document.activeElement).toBe(row('$.choices'));
    expect(onSelect).toHaveBeenLastCalledWith('$.choices');
    key('ArrowLeft'); // closes it
    expect(row('$.choices').getAttribute('aria-expanded')).toBe('false');
    key('ArrowRight'); // opens it
    key('ArrowRight'); // to its first child
    expect(selected()).toBe('$.choices[0]');
    key('ArrowLeft'); // an open node: closes it
    key('ArrowLeft'); // a closed one: to its parent
    expect(selected()).toBe('$.choices');
    key('Enter');
    expect(row('$.choices').getAttribute('aria-expanded')).toBe('false');
    key('End');
    expect(selected()).toBe('$.choices');
    key('Home');
    expect(selected()).toBe('$');
    expect(document.activeElement).toBe(row('$'));
  });

  it('shows a 100 000-element array in ranges of ranges: never more than 100 rows per level', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    const { rows, container } = tree(big);
    const range = (label: string) => rows().find((r) => text(r) === label)!;
    expect(text(rows()[0]!)).toMatch(/^\(100000\) \[0, 1, 2, [\d, ]+, …\]$/);
    expect(rows()).toHaveLength(11);
    expect(rows().slice(1).map(text)).toEqual(Array.from({ length: 10 }, (_, i) => `[${i * 10_000} … ${i * 10_000 + 9999}]`));
    fireEvent.click(range('[20000 … 29999]'));
    expect(rows()).toHaveLength(11 + MAX_CHILDREN);
    fireEvent.click(range('[20100 … 20199]'));
    expect(rows()).toHaveLength(11 + 2 * MAX_CHILDREN);
    expect(rows().find((r) => r.dataset.path === '$[20150]')!.textContent).toBe('20150: 20150');
    expect(container.querySelectorAll('*').length).toBeLessThan(2000);
  });

  it('shows the start of a long string and the rest on request', () => {
    const long = 'x'.repeat(MAX_STRING + 1234);
    const { row, getByRole } = tree({ text: long });
    expect(row('$.text').querySelector('.jt-string')!.textContent).toBe(`"${'x'.repeat(MAX_STRING)}…`);
    fireEvent.click(getByRole('button', { name: '1234 more characters' }));
    expect(row('$.text').querySelector('.jt-string')!.textContent).toBe(JSON.stringify(long));
  });
});

describe('parseJsonData', () => {
  it('takes JSON objects and arrays only', () => {
    expect(parseJsonData(' {"a":[1]}')).toEqual({ a: [1] });
    expect(parseJsonData('[]')).toEqual([]);
    for (const text of ['42', '"s"', 'null', '{a:1}', '[1,', 'plain']) expect(parseJsonData(text)).toBeUndefined();
  });
});
