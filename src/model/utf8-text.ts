import { isUtf8 } from 'node:buffer';

/**
 * Input files are UTF-8. A byte that is not valid UTF-8 would otherwise become U+FFFD and the
 * invoice would pass with a changed value, so it is refused with its position. The checks run
 * on whole chunks (Buffer.isUtf8 is simdutf, far cheaper than parsing the JSON); finding the
 * bad byte is a slow scan, only done once the fast check has said no.
 */

export { isUtf8 };

/**
 * Offset of the first byte that does not start a valid UTF-8 sequence (an overlong form, a
 * surrogate, a code point past U+10FFFF, a sequence cut short), or -1 when every byte is valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] as number;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    const shape = sequenceShape(lead);
    if (!shape || index + shape.length > bytes.length) return index;
    const second = bytes[index + 1] as number;
    if (second < shape.min || second > shape.max) return index;
    for (let next = 2; next < shape.length; next += 1) {
      if (((bytes[index + next] as number) & 0xc0) !== 0x80) return index;
    }
    index += shape.length;
  }
  return -1;
}

/** A lead byte's sequence length and the range its second byte must be in (RFC 3629, table 3-7 of Unicode). */
function sequenceShape(lead: number): { length: number; min: number; max: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, min: 0x80, max: 0xbf };
  if (lead === 0xe0) return { length: 3, min: 0xa0, max: 0xbf };
  if (lead === 0xed) return { length: 3, min: 0x80, max: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, min: 0x80, max: 0xbf };
  if (lead === 0xf0) return { length: 4, min: 0x90, max: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, min: 0x80, max: 0xbf };
  if (lead === 0xf4) return { length: 4, min: 0x80, max: 0x8f };
  return undefined;
}

/**
 * How many bytes at the end of a chunk begin a character the chunk does not finish (0 to 3):
 * they are carried over to the next chunk, so a character across a read boundary is read whole.
 */
export function unfinishedTail(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(3, end); back += 1) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** The text without a byte-order mark at its start (editors on Windows write one). */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * "is not valid UTF-8: byte 0xE9": what a message says of the bad byte. 0xFF and 0xFE never
 * occur in UTF-8: at the very start of a file they are a UTF-16 byte-order mark, said as such.
 */
export function describeInvalidByte(byte: number | undefined, atFileStart = false): string {
  if (atFileStart && (byte === 0xff || byte === 0xfe))
    return 'is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8; save the file as UTF-8';
  const shown = byte === undefined ? 'the file ends inside a character' : `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return `is not valid UTF-8: ${shown}; save the file as UTF-8`;
}
