/**
 * Words too wide for their box, cut into pieces that fit, one per line, in linear time. pdfkit
 * cuts such a word itself, but measures what is left of it again for every line it fills, which
 * is quadratic in the word's length: a 20,000-letter word (a pasted hash or URL run together)
 * took seconds. Words of at most SHORT_WORD characters are left to pdfkit, so ordinary text is
 * laid out exactly as before.
 */

/** Longer words than this are measured; shorter ones cost pdfkit little however it breaks them. */
export const SHORT_WORD = 40;

const LONG_WORD = new RegExp(`\\S{${SHORT_WORD + 1},}`, 'gu');

/** `text` with each word wider than `width` (by `measure`) cut into pieces on lines of their own. */
export function breakLongWords(text: string, width: number, measure: (text: string) => number): string {
  if (text.length <= SHORT_WORD) return text;
  LONG_WORD.lastIndex = 0;
  if (!LONG_WORD.test(text)) return text;
  const widths = new Map<string, number>();
  const widthOf = (character: string): number => {
    let known = widths.get(character);
    if (known === undefined) {
      known = measure(character);
      widths.set(character, known);
    }
    return known;
  };
  return text.replace(LONG_WORD, (word) => (measure(word) <= width ? word : piecesOf(word, width, widthOf, measure).join('\n')));
}

/**
 * Greedy pieces by the sum of character widths, each checked as a whole (kerning may make a
 * piece wider than its characters); a character wider than the box still makes a piece.
 */
function piecesOf(word: string, width: number, widthOf: (character: string) => number, measure: (text: string) => number): string[] {
  const pieces: string[] = [];
  let piece: string[] = [];
  let used = 0;
  const close = (): void => {
    const carried: string[] = [];
    while (piece.length > 1 && measure(piece.join('')) > width) carried.unshift(piece.pop() as string);
    pieces.push(piece.join(''));
    piece = carried;
    used = carried.reduce((sum, character) => sum + widthOf(character), 0);
  };
  for (const character of word) {
    const characterWidth = widthOf(character);
    if (piece.length > 0 && used + characterWidth > width) close();
    piece.push(character);
    used += characterWidth;
  }
  while (piece.length > 0) close();
  return pieces;
}
