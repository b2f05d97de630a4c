/**
 * The `edifact` package (tdecaluwe/node-edifact, plain JavaScript, no types): the parts firstpass
 * uses. The acks read answers with its Reader; the sandbox's buyer reads invoices with its
 * streaming Parser and Validator (which follows the UNB character set).
 */
declare module 'edifact' {
  interface ReaderSegment {
    readonly name: string;
    readonly elements: string[][];
  }
  class Reader {
    constructor(config?: { autoDetectEncoding?: boolean });
    parse(document: string): ReaderSegment[];
  }
  class Validator {
    define(definitions: unknown): void;
  }
  class Parser {
    constructor(validator?: Validator);
    onopensegment: (segment: string) => void;
    onelement: () => void;
    oncomponent: (value: string) => void;
    onclosesegment: () => void;
    encoding(level: string): void;
    write(chunk: string): void;
    end(): void;
  }
  const edifact: { Reader: typeof Reader; Parser: typeof Parser; Validator: typeof Validator };
  export default edifact;
}

declare module 'edifact/segments.js' {
  const segments: unknown;
  export default segments;
}

declare module 'edifact/elements.js' {
  const elements: unknown;
  export default elements;
}
