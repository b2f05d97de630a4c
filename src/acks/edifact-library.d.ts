/** The `edifact` package (node-edifact) ships no types: the part firstpass uses. */
declare module 'edifact' {
  interface ReaderSegment {
    readonly name: string;
    readonly elements: string[][];
  }
  class Reader {
    constructor(config?: { autoDetectEncoding?: boolean });
    parse(document: string): ReaderSegment[];
  }
  const edifact: { Reader: typeof Reader };
  export default edifact;
}
