import { BoundedMemo } from '../model/bounded-cache.js';
import { InputError, RenderError } from '../model/errors.js';
import { breakLongWords } from './break-long-words.js';
import { loopScope, fill, holds, lookup, present, type CodeLists, type ExpressionContext, type Scope } from './expressions.js';
import type { Template } from './template.js';

/**
 * Writes a PDF (an invoice for e-mail customers, or a copy for people) with pdfkit from the
 * page layout in a template's `pdf` object. The layout is data; this file only knows how to
 * place its parts: letterhead and fields, party blocks, the line table (its header repeated on
 * every page), totals, sections, and a footer with "Page n of m". The order of the parts is
 * fixed, what they say is the template's. See edi-templates/pdf/invoice.json for the format.
 *
 * Only the PDF standard fonts are used (nothing is embedded or downloaded): their encoding is
 * WinAnsi (Latin-1 plus a few signs), so other characters are written as their closest Latin
 * spelling, else "?". The document's dates come from `now`, so the same input gives the same
 * bytes.
 */

/** A condition, or a list of conditions of which one must hold. */
type Condition = string | readonly string[];

/** One entry of a lines list: a template, a template with a condition, or one line per item. */
type LineSpec =
  | string
  | { readonly text: string; readonly when?: Condition }
  | { readonly each: string; readonly as: string; readonly text: string; readonly when?: Condition };

interface ColumnSpec {
  readonly header: string;
  readonly value: string;
  readonly details: readonly LineSpec[];
  readonly align: 'left' | 'right' | 'center';
  readonly width: number | '*';
  readonly optional: boolean;
}

interface PdfLayout {
  readonly page: { readonly size: string; readonly margins: Sides; readonly fontSize: number };
  readonly fonts: { readonly regular: string; readonly bold: string };
  readonly info: Readonly<Record<'title' | 'author' | 'subject' | 'keywords', string | undefined>>;
  readonly title: string | undefined;
  readonly letterhead: { readonly party: string; readonly lines: readonly LineSpec[] | undefined } | undefined;
  readonly fields: readonly (Part & { readonly label: string; readonly value: string })[];
  readonly partyLines: readonly LineSpec[];
  readonly parties: readonly (Part & {
    readonly heading: string;
    readonly party: string;
    readonly lines: readonly LineSpec[] | undefined;
  })[];
  readonly table: { readonly each: string; readonly as: string; readonly columns: readonly ColumnSpec[] };
  readonly totals: readonly (Part & {
    readonly label: string;
    readonly value: string;
    readonly strong: boolean;
    readonly each: string | undefined;
    readonly as: string | undefined;
  })[];
  readonly sections: readonly (Part & { readonly heading: string; readonly lines: readonly LineSpec[] })[];
  readonly continued: string | undefined;
  readonly footer: { readonly left: string | undefined; readonly right: string | undefined };
}

/** What fields, party blocks, totals rows and sections share: a condition, and an id a profile may name in options.omit. */
interface Part {
  readonly when: Condition | undefined;
  readonly id: string | undefined;
}

interface Sides {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

const STANDARD_FONTS = new Set([
  'Helvetica',
  'Helvetica-Bold',
  'Helvetica-Oblique',
  'Helvetica-BoldOblique',
  'Times-Roman',
  'Times-Bold',
  'Times-Italic',
  'Times-BoldItalic',
  'Courier',
  'Courier-Bold',
  'Courier-Oblique',
  'Courier-BoldOblique',
]);
const PAGE_SIZES = new Set(['A3', 'A4', 'A5', 'B5', 'LETTER', 'LEGAL', 'TABLOID', 'EXECUTIVE']);

const INK = '#1a1a1a';
const MUTED = '#5f6368';
const RULE = '#b8bcc2';
const HEADER_FILL = '#eceef1';
const CELL_PAD_X = 3;
const CELL_PAD_Y = 3.5;
const GAP = 14;

type Doc = PDFKit.PDFDocument;

/** Each template's layout, checked and filled with defaults once (templates are loaded once and never change). */
const layouts = new BoundedMemo<Template, PdfLayout>(100);

/** What the PDF writer needs besides the scope: the code lists, and the parts the profile leaves out. */
export interface PdfWriteContext {
  readonly codes: CodeLists;
  readonly omit: ReadonlySet<string>;
  /** For messages: which invoice could not be written. */
  readonly invoiceNumber?: string;
}

/** C0 controls but tab, LF and CR, and lone surrogates: no font shows them, and they are not the invoice's text. */
const UNCARRIED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a PDF can carry; anything else is refused naming the field, never shown as a space or '?'. */
function carried(text: string, source: string, invoiceNumber: string | undefined): string {
  const found = UNCARRIED.exec(text);
  if (found === null) return text;
  const code = `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  throw new RenderError(
    invoiceNumber ?? '(unnamed)',
    `PDF text ${source}`,
    `holds ${code} (${/[\uD800-\uDFFF]/.test(found[0]) ? 'a lone surrogate' : 'a control character'}) at character ${found.index + 1}, which the PDF cannot carry: remove it from the invoice (it is never replaced by other text)`,
  );
}

export async function writePdf(template: Template, scope: Scope, context: PdfWriteContext): Promise<Uint8Array> {
  const layout = layouts.get(template, (each) => parseLayout(each.pdf));
  const created = new Date(String(lookup(scope, 'now.iso') ?? ''));
  if (Number.isNaN(created.getTime())) throw new Error(`renderDocument: now is not a timestamp: ${String(lookup(scope, 'now.iso'))}`);
  const codes = context.codes;
  const text = (source: string | undefined, at: Scope = scope): string =>
    source === undefined ? '' : carried(display(fill(source, { scope: at, codes })), source, context.invoiceNumber);

  const size = text(layout.page.size).toUpperCase() || 'A4';
  if (!PAGE_SIZES.has(size)) throw templateError('/pdf/page/size', `is "${size}"; expected one of ${[...PAGE_SIZES].join(', ')}`);

  // pdfkit is heavy: loaded when the first PDF is written, not when firstpass starts.
  const { default: PDFDocument } = await import('pdfkit');
  const info: PDFKit.DocumentInfo = { Creator: 'firstpass', Producer: 'firstpass (PDFKit)', CreationDate: created, ModDate: created };
  const title = text(layout.info.title);
  const author = text(layout.info.author);
  const subject = text(layout.info.subject);
  const keywords = collapse(text(layout.info.keywords));
  if (title) info.Title = title;
  if (author) info.Author = author;
  if (subject) info.Subject = subject;
  if (keywords) info.Keywords = keywords;
  const doc: Doc = new PDFDocument({
    size,
    margins: { ...layout.page.margins },
    bufferPages: true,
    info,
    pdfVersion: '1.4',
    displayTitle: Boolean(title),
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  new PageWriter(doc, layout, scope, codes, context.omit, context.invoiceNumber).write();
  doc.end();
  const bytes = await finished;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface Style {
  readonly font: 'regular' | 'bold';
  readonly size: number;
  readonly color: string;
}

interface TextBox {
  readonly lines: readonly string[];
  readonly style: Style;
}

class PageWriter {
  private y: number;
  private readonly left: number;
  private readonly width: number;
  private readonly base: number;

  constructor(
    private readonly doc: Doc,
    private readonly layout: PdfLayout,
    private readonly scope: Scope,
    private readonly codes: CodeLists,
    private readonly omit: ReadonlySet<string>,
    private readonly invoiceNumber: string | undefined,
  ) {
    const margins = doc.page.margins;
    this.left = margins.left;
    this.width = doc.page.width - margins.left - margins.right;
    this.y = margins.top;
    this.base = layout.page.fontSize;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  private style(font: Style['font'], size: number, color = INK): Style {
    return { font, size, color };
  }

  write(): void {
    this.letterhead();
    this.parties();
    this.table();
    this.totals();
    this.sections();
    this.footers();
  }

  // --- expressions -------------------------------------------------------------------------

  private context(scope: Scope = this.scope): ExpressionContext {
    return { scope, codes: this.codes };
  }

  private text(source: string | undefined, scope: Scope = this.scope): string {
    return source === undefined ? '' : winAnsi(collapse(carried(display(fill(source, this.context(scope))), source, this.invoiceNumber)));
  }

  /** Whether a part is written: not omitted by the profile, and its condition holds. */
  private shows(part: Part, scope: Scope = this.scope): boolean {
    return !(part.id !== undefined && this.omit.has(part.id)) && this.holds(part.when, scope);
  }

  private holds(condition: Condition | undefined, scope: Scope = this.scope): boolean {
    if (condition === undefined) return true;
    if (typeof condition === 'string') return holds(condition, this.context(scope));
    return condition.some((one) => holds(one, this.context(scope)));
  }

  /** The lines a lines list gives: blank lines and lines whose expressions are all blank are left out. */
  private lines(specs: readonly LineSpec[], scope: Scope = this.scope): string[] {
    const lines: string[] = [];
    for (const spec of specs) {
      if (typeof spec === 'string') {
        lines.push(...this.lineOf(spec, scope));
      } else if (!this.holds(spec.when, scope)) {
      } else if ('each' in spec) {
        const items = lookup(scope, spec.each);
        if (Array.isArray(items)) {
          for (const [index, item] of items.entries()) lines.push(...this.lineOf(spec.text, loopScope(scope, spec.as, item, index)));
        }
      } else {
        lines.push(...this.lineOf(spec.text, scope));
      }
    }
    return lines;
  }

  private lineOf(source: string, scope: Scope): string[] {
    const context = this.context(scope);
    const expressions = source.match(/\{\{.*?\}\}/g) ?? [];
    if (expressions.length > 0 && expressions.every((expression) => !present(fill(expression, context)))) return [];
    const value = fill(source, context);
    const items = Array.isArray(value) ? value.map(display) : display(value).split('\n');
    return items.map((item) => winAnsi(collapse(item))).filter((item) => item !== '');
  }

  // --- drawing -----------------------------------------------------------------------------

  private use(style: Style): void {
    this.doc
      .font(style.font === 'bold' ? this.layout.fonts.bold : this.layout.fonts.regular)
      .fontSize(style.size)
      .fillColor(style.color);
  }

  private heightOf(box: TextBox, width: number): number {
    if (box.lines.length === 0) return 0;
    this.use(box.style);
    return this.doc.heightOfString(this.content(box, width), { width, lineGap: lineGap(box.style) });
  }

  private draw(box: TextBox, x: number, y: number, width: number, align: ColumnSpec['align'] = 'left'): number {
    if (box.lines.length === 0) return 0;
    this.use(box.style);
    const content = this.content(box, width);
    const height = this.doc.heightOfString(content, { width, lineGap: lineGap(box.style) });
    this.doc.text(content, x, y, { width, align, lineGap: lineGap(box.style) });
    return height;
  }

  /** A box's lines as pdfkit is given them, its style in use: words wider than the box already cut. */
  private content(box: TextBox, width: number): string {
    return box.lines.map((line) => breakLongWords(line, width, this.measure)).join('\n');
  }

  private readonly measure = (text: string): number => this.doc.widthOfString(text);

  private rule(y: number, color = RULE, thickness = 0.6, x = this.left, width = this.width): void {
    this.doc
      .save()
      .moveTo(x, y)
      .lineTo(x + width, y)
      .lineWidth(thickness)
      .strokeColor(color)
      .stroke()
      .restore();
  }

  /** A new page when `height` does not fit below the current position. */
  private ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.newPage();
    return true;
  }

  private newPage(): void {
    this.doc.addPage();
    this.y = this.doc.page.margins.top;
    const continued = this.text(this.layout.continued);
    if (continued) {
      this.y += this.draw({ lines: [continued], style: this.style('regular', this.base - 0.5, MUTED) }, this.left, this.y, this.width);
      this.y += 8;
    }
  }

  // --- parts -------------------------------------------------------------------------------

  private letterhead(): void {
    const top = this.y;
    const rightWidth = Math.min(250, this.width * 0.48);
    const rightX = this.left + this.width - rightWidth;
    let right = top;
    const title = this.text(this.layout.title);
    if (title) right += this.draw({ lines: [title], style: this.style('bold', this.base + 11) }, rightX, right, rightWidth, 'right') + 6;
    const labelWidth = Math.round(rightWidth * 0.45);
    for (const field of this.layout.fields) {
      if (!this.shows(field)) continue;
      const value = this.text(field.value);
      if (!value) continue;
      const label = this.text(field.label);
      const labelHeight = this.draw({ lines: [label], style: this.style('regular', this.base, MUTED) }, rightX, right, labelWidth - 6);
      const valueHeight = this.draw(
        { lines: [value], style: this.style('bold', this.base) },
        rightX + labelWidth,
        right,
        rightWidth - labelWidth,
        'right',
      );
      right += Math.max(labelHeight, valueHeight) + 1.5;
    }

    let left = top;
    const letterhead = this.layout.letterhead;
    const party = letterhead ? lookup(this.scope, letterhead.party) : undefined;
    if (letterhead && isObject(party)) {
      const scope = { ...this.scope, party };
      const leftWidth = this.width - rightWidth - GAP;
      const name = this.text('{{party.name}}', scope);
      if (name) left += this.draw({ lines: [name], style: this.style('bold', this.base + 4) }, this.left, left, leftWidth) + 3;
      left += this.draw(
        { lines: this.lines(letterhead.lines ?? this.layout.partyLines, scope), style: this.style('regular', this.base, MUTED) },
        this.left,
        left,
        leftWidth,
      );
    }
    this.y = Math.max(left, right) + 10;
    this.rule(this.y, RULE, 0.8);
    this.y += 10;
  }

  private parties(): void {
    const blocks: { heading: string; name: string; lines: string[] }[] = [];
    for (const block of this.layout.parties) {
      const party = lookup(this.scope, block.party);
      if (!isObject(party) || !this.shows(block)) continue;
      const scope = { ...this.scope, party };
      blocks.push({
        heading: this.text(block.heading).toUpperCase(),
        name: this.text('{{party.name}}', scope),
        lines: this.lines(block.lines ?? this.layout.partyLines, scope),
      });
    }
    if (blocks.length === 0) return;
    const perRow = 3;
    const columnWidth = (this.width - GAP * (perRow - 1)) / perRow;
    for (let start = 0; start < blocks.length; start += perRow) {
      const row = blocks.slice(start, start + perRow);
      const boxes = row.map((block) => [
        { lines: [block.heading], style: this.style('bold', this.base - 1.5, MUTED) },
        { lines: block.name ? [block.name] : [], style: this.style('bold', this.base) },
        { lines: block.lines, style: this.style('regular', this.base) },
      ]);
      const height = Math.max(...boxes.map((parts) => parts.reduce((sum, box) => sum + this.heightOf(box, columnWidth) + 1, 0)));
      this.ensure(height);
      boxes.forEach((parts, index) => {
        let y = this.y;
        for (const box of parts) y += this.draw(box, this.left + index * (columnWidth + GAP), y, columnWidth) + 1;
      });
      this.y += height + 12;
    }
  }

  private table(): void {
    const table = this.layout.table;
    const items = lookup(this.scope, table.each);
    const rows = (Array.isArray(items) ? items : []).map((item, index) => {
      const scope = loopScope(this.scope, table.as, item, index);
      return table.columns.map((column) => ({ value: this.text(column.value, scope), details: this.lines(column.details, scope) }));
    });
    const shown = table.columns.map(
      (column, index) => !column.optional || rows.some((row) => row[index]?.value || row[index]?.details.length),
    );
    const columns = table.columns.filter((_, index) => shown[index]);
    const cells = rows.map((row) => row.filter((_, index) => shown[index]));
    const widths = columnWidths(columns, this.width);
    const xs = widths.map((_, index) => this.left + widths.slice(0, index).reduce((sum, width) => sum + width, 0));
    const headers = columns.map((column) => this.text(column.header));
    const headerStyle = this.style('bold', this.base - 0.5);
    const cellStyle = this.style('regular', this.base);
    const detailStyle = this.style('regular', this.base - 1.5, MUTED);

    const headerHeight =
      Math.max(
        ...headers.map((header, index) => this.heightOf({ lines: [header], style: headerStyle }, (widths[index] ?? 0) - 2 * CELL_PAD_X)),
      ) +
      2 * CELL_PAD_Y;
    const drawHeader = (): void => {
      this.doc.save().rect(this.left, this.y, this.width, headerHeight).fillColor(HEADER_FILL).fill().restore();
      for (const [index, header] of headers.entries()) {
        this.draw(
          { lines: [header], style: headerStyle },
          (xs[index] ?? 0) + CELL_PAD_X,
          this.y + CELL_PAD_Y,
          (widths[index] ?? 0) - 2 * CELL_PAD_X,
          columns[index]?.align,
        );
      }
      this.y += headerHeight;
    };

    const rowHeight = (row: (typeof cells)[number]): number =>
      Math.max(
        ...row.map((cell, index) => {
          const width = (widths[index] ?? 0) - 2 * CELL_PAD_X;
          return (
            this.heightOf({ lines: cell.value ? [cell.value] : [], style: cellStyle }, width) +
            this.heightOf({ lines: cell.details, style: detailStyle }, width)
          );
        }),
      ) +
      2 * CELL_PAD_Y;

    // The header never stands alone at the bottom of a page.
    this.ensure(headerHeight + (cells[0] ? rowHeight(cells[0]) : 0));
    drawHeader();
    for (const row of cells) {
      const height = rowHeight(row);
      if (this.ensure(height)) drawHeader();
      row.forEach((cell, index) => {
        const x = (xs[index] ?? 0) + CELL_PAD_X;
        const width = (widths[index] ?? 0) - 2 * CELL_PAD_X;
        const align = columns[index]?.align ?? 'left';
        let y = this.y + CELL_PAD_Y;
        if (cell.value) y += this.draw({ lines: [cell.value], style: cellStyle }, x, y, width, align);
        this.draw({ lines: cell.details, style: detailStyle }, x, y, width, align);
      });
      this.y += height;
      this.rule(this.y, RULE, 0.4);
    }
    this.y += 8;
  }

  private totals(): void {
    const rows: { label: string; value: string; strong: boolean }[] = [];
    for (const row of this.layout.totals) {
      if (!this.shows(row)) continue;
      const scopes =
        row.each === undefined
          ? [this.scope]
          : (() => {
              const items = lookup(this.scope, row.each);
              return Array.isArray(items) ? items.map((item, index) => loopScope(this.scope, row.as ?? 'item', item, index)) : [];
            })();
      for (const scope of scopes) {
        const value = this.text(row.value, scope);
        if (value) rows.push({ label: this.text(row.label, scope), value, strong: row.strong });
      }
    }
    if (rows.length === 0) return;
    const blockWidth = Math.min(300, this.width * 0.6);
    const valueWidth = 90;
    const labelWidth = blockWidth - valueWidth;
    const x = this.left + this.width - blockWidth;
    const boxes = rows.map((row) => {
      const style = this.style(row.strong ? 'bold' : 'regular', row.strong ? this.base + 1.5 : this.base);
      return {
        row,
        style,
        height:
          Math.max(this.heightOf({ lines: [row.label], style }, labelWidth - 6), this.heightOf({ lines: [row.value], style }, valueWidth)) +
          (row.strong ? 8 : 3),
      };
    });
    this.ensure(boxes.reduce((sum, box) => sum + box.height, 0) + 4);
    for (const { row, style, height } of boxes) {
      if (row.strong) {
        this.rule(this.y + 1, INK, 0.8, x, blockWidth);
        this.y += 4;
      }
      this.draw({ lines: [row.label], style }, x, this.y, labelWidth - 6);
      this.draw({ lines: [row.value], style }, x + labelWidth, this.y, valueWidth, 'right');
      this.y += height - (row.strong ? 4 : 0);
    }
    this.y += 10;
  }

  private sections(): void {
    for (const section of this.layout.sections) {
      if (!this.shows(section)) continue;
      const lines = this.lines(section.lines);
      if (lines.length === 0) continue;
      const heading = { lines: [this.text(section.heading).toUpperCase()], style: this.style('bold', this.base - 1.5, MUTED) };
      const body = { lines, style: this.style('regular', this.base) };
      const headingHeight = this.heightOf(heading, this.width) + 2;
      const bodyHeight = this.heightOf(body, this.width);
      // Keep a section together when it fits on a page; a longer one flows line by line.
      if (this.y + headingHeight + bodyHeight > this.bottom && headingHeight + bodyHeight <= this.bottom - this.doc.page.margins.top)
        this.newPage();
      this.ensure(headingHeight + this.heightOf({ lines: [lines[0] ?? ''], style: body.style }, this.width));
      this.y += this.draw(heading, this.left, this.y, this.width) + 2;
      for (const line of lines) {
        const box = { lines: [line], style: body.style };
        this.ensure(this.heightOf(box, this.width));
        this.y += this.draw(box, this.left, this.y, this.width);
      }
      this.y += 10;
    }
  }

  private footers(): void {
    const { start, count } = this.doc.bufferedPageRange();
    const style = this.style('regular', this.base - 1, MUTED);
    for (let index = 0; index < count; index += 1) {
      this.doc.switchToPage(start + index);
      const page = this.doc.page;
      const bottomMargin = page.margins.bottom;
      // Writing inside the bottom margin: pdfkit would otherwise start a new page.
      page.margins.bottom = 0;
      const scope = { ...this.scope, page: index + 1, pages: count };
      const y = page.height - bottomMargin + 18;
      this.rule(y - 6, RULE, 0.4);
      const right = this.text(this.layout.footer.right, scope);
      const rightWidth = right ? this.doc.font(this.layout.fonts.regular).fontSize(style.size).widthOfString(right) + 2 : 0;
      this.draw({ lines: [this.text(this.layout.footer.left, scope)].filter(Boolean), style }, this.left, y, this.width - rightWidth - GAP);
      this.draw({ lines: [right].filter(Boolean), style }, this.left + this.width - rightWidth, y, rightWidth, 'right');
      page.margins.bottom = bottomMargin;
    }
  }
}

function lineGap(style: Style): number {
  return style.size * 0.18;
}

function columnWidths(columns: readonly ColumnSpec[], total: number): number[] {
  const fixed = columns.reduce((sum, column) => sum + (column.width === '*' ? 0 : column.width), 0);
  const stars = columns.filter((column) => column.width === '*').length;
  const share = stars > 0 ? Math.max(40, (total - fixed) / stars) : 0;
  const widths = columns.map((column) => (column.width === '*' ? share : column.width));
  // Without a '*' column, what is left goes to the widest column; too wide a table is scaled down.
  const sum = widths.reduce((a, b) => a + b, 0);
  if (sum > total) return widths.map((width) => (width * total) / sum);
  if (stars === 0 && widths.length > 0) {
    const widest = widths.indexOf(Math.max(...widths));
    widths[widest] = (widths[widest] ?? 0) + total - sum;
  }
  return widths;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function display(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value))
    return value
      .map(display)
      .filter((item) => item !== '')
      .join('\n');
  if (typeof value === 'object') return '';
  return String(value);
}

/** Runs of spaces and tabs become one space, and each line is trimmed (a blank part of a line leaves no gap). */
function collapse(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .trim();
}

/** Characters the standard fonts (WinAnsiEncoding) can show, beyond Latin-1. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SPELLINGS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    '\u2212': '-',
    '\u2010': '-',
    '\u2011': '-',
    '\u2012': '-',
    '\u2015': '—',
    '\u2192': '->',
    '\u2190': '<-',
    '\u2194': '<->',
    '\u21d2': '=>',
    '\u2264': '<=',
    '\u2265': '>=',
    '\u2260': '!=',
    '\u2248': '~',
    '\u2032': "'",
    '\u2033': '"',
    '\u2044': '/',
    '\u2215': '/',
    '\u2022': '•',
    '\u2026': '…',
    Ł: 'L',
    ł: 'l',
    Đ: 'D',
    đ: 'd',
    ı: 'i',
    Ħ: 'H',
    ħ: 'h',
    Ŧ: 'T',
    ŧ: 't',
    ĸ: 'k',
    Ŋ: 'N',
    ŋ: 'n',
    Ə: 'E',
    ə: 'e',
    Σ: 'Sum ',
    Ω: 'Ohm',
    μ: 'µ',
    '\u2116': 'No.',
  }),
);

/** Text the standard fonts can write: WinAnsi characters as they are, others by their closest spelling. */
export function winAnsi(text: string): string {
  let result = '';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(character)) {
      result += character;
      continue;
    }
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      result += ' ';
      continue;
    }
    const spelled = SPELLINGS.get(character);
    if (spelled !== undefined) {
      result += spelled;
      continue;
    }
    // Letters with accents that Latin-1 lacks (ő, č, ș): the base letter.
    const base = character.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    result += base !== character && [...base].every((part) => (part.codePointAt(0) ?? 0) < 0x100) ? base : '?';
  }
  return result;
}

// --- the layout, checked -------------------------------------------------------------------

function templateError(field: string, message: string): InputError {
  return new InputError('TEMPLATE_INVALID', 'render', [{ location: { file: 'edi-templates/pdf' }, field, message }]);
}

function parseLayout(value: unknown): PdfLayout {
  const layout = object(value, '/pdf');
  const page = optionalObject(layout.page, '/pdf/page') ?? {};
  const margins = optionalObject(page.margins, '/pdf/page/margins') ?? {};
  const fonts = optionalObject(layout.fonts, '/pdf/fonts') ?? {};
  const info = optionalObject(layout.info, '/pdf/info') ?? {};
  const letterhead = optionalObject(layout.letterhead, '/pdf/letterhead');
  const table = object(layout.table, '/pdf/table');
  const footer = optionalObject(layout.footer, '/pdf/footer') ?? {};
  const font = (name: unknown, field: string, fallback: string): string => {
    const chosen = optionalString(name, field) ?? fallback;
    if (!STANDARD_FONTS.has(chosen))
      throw templateError(field, `is "${chosen}"; only the PDF standard fonts are used: ${[...STANDARD_FONTS].join(', ')}`);
    return chosen;
  };
  const margin = (side: keyof Sides): number => optionalNumber(margins[side], `/pdf/page/margins/${side}`) ?? 48;
  return {
    page: {
      size: optionalString(page.size, '/pdf/page/size') ?? 'A4',
      margins: { top: margin('top'), right: margin('right'), bottom: margin('bottom'), left: margin('left') },
      fontSize: optionalNumber(page.fontSize, '/pdf/page/fontSize') ?? 9,
    },
    fonts: { regular: font(fonts.regular, '/pdf/fonts/regular', 'Helvetica'), bold: font(fonts.bold, '/pdf/fonts/bold', 'Helvetica-Bold') },
    info: {
      title: optionalString(info.title, '/pdf/info/title'),
      author: optionalString(info.author, '/pdf/info/author'),
      subject: optionalString(info.subject, '/pdf/info/subject'),
      keywords: optionalString(info.keywords, '/pdf/info/keywords'),
    },
    title: optionalString(layout.title, '/pdf/title'),
    letterhead: letterhead
      ? { party: string(letterhead.party, '/pdf/letterhead/party'), lines: optionalLines(letterhead.lines, '/pdf/letterhead/lines') }
      : undefined,
    fields: list(layout.fields, '/pdf/fields').map((item, index) => {
      const field = object(item, `/pdf/fields/${index}`);
      return {
        label: string(field.label, `/pdf/fields/${index}/label`),
        value: string(field.value, `/pdf/fields/${index}/value`),
        ...part(field, `/pdf/fields/${index}`),
      };
    }),
    partyLines: optionalLines(layout.partyLines, '/pdf/partyLines') ?? ['{{party.address.lines}}'],
    parties: list(layout.parties, '/pdf/parties').map((item, index) => {
      const block = object(item, `/pdf/parties/${index}`);
      return {
        heading: string(block.heading, `/pdf/parties/${index}/heading`),
        party: string(block.party, `/pdf/parties/${index}/party`),
        lines: optionalLines(block.lines, `/pdf/parties/${index}/lines`),
        ...part(block, `/pdf/parties/${index}`),
      };
    }),
    table: {
      each: string(table.each, '/pdf/table/each'),
      as: string(table.as, '/pdf/table/as'),
      columns: nonEmptyList(table.columns, '/pdf/table/columns').map((item, index) => {
        const at = `/pdf/table/columns/${index}`;
        const column = object(item, at);
        const align = optionalString(column.align, `${at}/align`) ?? 'left';
        if (align !== 'left' && align !== 'right' && align !== 'center')
          throw templateError(`${at}/align`, `is "${align}"; expected left, right or center`);
        const width = column.width ?? '*';
        if (width !== '*' && (typeof width !== 'number' || !(width > 0)))
          throw templateError(`${at}/width`, 'must be a width in points or "*" (a share of the width left)');
        return {
          header: string(column.header, `${at}/header`),
          value: string(column.value, `${at}/value`),
          details: optionalLines(column.details, `${at}/details`) ?? [],
          align,
          width,
          optional: column.optional === true,
        };
      }),
    },
    totals: list(layout.totals, '/pdf/totals').map((item, index) => {
      const at = `/pdf/totals/${index}`;
      const row = object(item, at);
      const each = optionalString(row.each, `${at}/each`);
      return {
        label: string(row.label, `${at}/label`),
        value: string(row.value, `${at}/value`),
        strong: row.strong === true,
        ...part(row, at),
        each,
        as: each === undefined ? undefined : string(row.as, `${at}/as`),
      };
    }),
    sections: list(layout.sections, '/pdf/sections').map((item, index) => {
      const section = object(item, `/pdf/sections/${index}`);
      return {
        heading: string(section.heading, `/pdf/sections/${index}/heading`),
        lines: optionalLines(section.lines, `/pdf/sections/${index}/lines`) ?? [],
        ...part(section, `/pdf/sections/${index}`),
      };
    }),
    continued: optionalString(layout.continued, '/pdf/continued'),
    footer: { left: optionalString(footer.left, '/pdf/footer/left'), right: optionalString(footer.right, '/pdf/footer/right') },
  };
}

function part(value: Record<string, unknown>, field: string): Part {
  return { when: condition(value.when, `${field}/when`), id: optionalString(value.id, `${field}/id`) };
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) throw templateError(field, 'must be an object');
  return value;
}

function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  return value === undefined ? undefined : object(value, field);
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string') throw templateError(field, 'must be a string');
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : string(value, field);
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw templateError(field, 'must be a number of points');
  return value;
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw templateError(field, 'must be a list');
  return value;
}

function nonEmptyList(value: unknown, field: string): unknown[] {
  const items = list(value, field);
  if (items.length === 0) throw templateError(field, 'must name at least one item');
  return items;
}

function condition(value: unknown, field: string): Condition | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw templateError(field, 'must be a condition ("{{invoice.poNumber}}") or a list of conditions of which one must hold');
}

function optionalLines(value: unknown, field: string): LineSpec[] | undefined {
  if (value === undefined) return undefined;
  return list(value, field).map((item, index): LineSpec => {
    const at = `${field}/${index}`;
    if (typeof item === 'string') return item;
    const spec = object(item, at);
    const when = condition(spec.when, `${at}/when`);
    const text = string(spec.text, `${at}/text`);
    if (spec.each !== undefined)
      return { each: string(spec.each, `${at}/each`), as: string(spec.as, `${at}/as`), text, ...(when !== undefined ? { when } : {}) };
    return { text, ...(when !== undefined ? { when } : {}) };
  });
}
