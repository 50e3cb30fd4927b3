/** SVG as text: escaped text and attributes, short numbers, one element at a time. No DOM, so Node and the page share it. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe as SVG text content or as a quoted attribute value (& < > " ' escaped). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A coordinate or length as SVG wants it: at most two decimals, no exponent for the sizes charts use. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export type Attrs = Record<string, string | number | undefined>;

/** `<tag a="1">children</tag>` (self-closed without children); undefined attributes are left out, values escaped. */
export function element(tag: string, attrs: Attrs, children?: string): string {
  let out = `<${tag}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined) out += ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`;
  }
  return children === undefined ? `${out}/>` : `${out}>${children}</${tag}>`;
}

/** A text element: `text` is escaped. */
export function textElement(attrs: Attrs, text: string): string {
  return element('text', attrs, escapeXml(text));
}
