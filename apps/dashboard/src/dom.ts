// Small DOM helpers: no framework, no innerHTML (every value from the API is set as text, so a
// symbol or a reason can never become markup).

type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.querySelector<T>(`[data-testid="${id}"]`);
  if (!e) throw new Error(`missing [data-testid=${id}] in index.html`);
  return e;
}

/** Replaces the body of a pane (its first child, the heading, stays). */
export function fill(pane: HTMLElement, ...children: Child[]): void {
  const body = pane.querySelector('.pane-body') ?? pane.appendChild(el('div', { class: 'pane-body' }));
  body.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** A table: header cells and rows of text cells (or nodes, e.g. a button). */
export function table(head: readonly string[], rows: readonly (readonly Child[])[], empty = 'none'): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'muted' }, empty);
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

/** Key/value lines. */
export function facts(pairs: readonly (readonly [string, Child])[]): HTMLElement {
  return el('dl', { class: 'facts' }, ...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}
