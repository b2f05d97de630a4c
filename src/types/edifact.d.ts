/**
 * The `edifact` package (tdecaluwe/node-edifact, plain JavaScript, no types): the parts firstpass
 * uses, its streaming Parser and Validator (which follows the UNB character set), in one place:
 * src/edi-syntax/edifact-reader.ts.
 */
declare module 'edifact' {
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
  const edifact: { Parser: typeof Parser; Validator: typeof Validator };
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
