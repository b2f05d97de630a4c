import { join } from 'node:path';
import { PROJECT_ROOT as ROOT } from './examples.js';

/** A PDF read back by pdfjs-dist (Mozilla's PDF reader, which we did not write): every page's text, positioned. */
export interface Cell {
  readonly text: string;
  readonly x: number;
  readonly right: number;
  readonly y: number;
  readonly size: number;
}

export interface Line {
  readonly page: number;
  readonly y: number;
  readonly cells: readonly Cell[];
}

export interface ReadPdf {
  readonly pages: number;
  readonly lines: readonly Line[];
  readonly info: Record<string, unknown>;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;

/** pdfjs-dist, loaded once. */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

/** Every page's text as lines (same baseline) of cells (separately placed runs of text), top to bottom. */
export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const { getDocument } = await loadPdfJs();
  const document = await getDocument({
    data: bytes.slice(),
    standardFontDataUrl: `${join(ROOT, 'node_modules', 'pdfjs-dist', 'standard_fonts')}/`,
    verbosity: 0,
  }).promise;
  const lines: Line[] = [];
  for (let number = 1; number <= document.numPages; number += 1) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    const cells: Cell[] = [];
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const [a = 0, , , , x = 0, y = 0] = item.transform as number[];
      cells.push({ text: item.str.trim(), x, right: x + item.width, y, size: Math.abs(a) });
    }
    cells.sort((one, other) => other.y - one.y || one.x - other.x);
    for (const cell of cells) {
      const line = lines.find((candidate) => candidate.page === number && Math.abs(candidate.y - cell.y) < 1.5);
      if (line) (line.cells as Cell[]).push(cell);
      else lines.push({ page: number, y: cell.y, cells: [cell] });
    }
    for (const line of lines) (line.cells as Cell[]).sort((one, other) => one.x - other.x);
  }
  const { info } = await document.getMetadata();
  const pages = document.numPages;
  await document.destroy();
  return { pages, lines, info: info as Record<string, unknown> };
}
