import { LastPairResult } from '../../model/bounded-cache.js';
import { hasIrregularSpacing } from '../../model/text-scan.js';

/** The text wrapped last: a template takes its lines one by one (wrap:35:0, wrap:35:1, ...). */
const lastWrapped = new LastPairResult<string, number, readonly string[]>();

/** A text's lines at a width, for the wrap filter: a text that is one line already is kept as it is. */
export function wrappedLines(text: string, width: number): readonly string[] {
  return lastWrapped.get(text, width, linesOf);
}

function linesOf(text: string, width: number): readonly string[] {
  return text.length <= width && !hasIrregularSpacing(text) ? (text === '' ? [] : [text]) : wrapText(text, width);
}

/** Words packed greedily into lines of at most `width` characters; a longer word is cut. */
function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (let word of text.split(/\s+/).filter((piece) => piece !== '')) {
    while (word.length > width) {
      if (current !== '') lines.push(current);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      current = '';
    }
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
