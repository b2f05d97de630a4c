/** The part of the `edifact` package (tdecaluwe/node-edifact, plain JavaScript) that firstpass uses. */
declare module 'edifact' {
  export class Validator {
    define(definitions: unknown): void;
  }
  export class Parser {
    constructor(validator?: Validator);
    onopensegment: (segment: string) => void;
    onelement: () => void;
    oncomponent: (value: string) => void;
    onclosesegment: () => void;
    encoding(level: string): void;
    write(chunk: string): void;
    end(): void;
  }
}

declare module 'edifact/segments.js' {
  const segments: unknown;
  export default segments;
}

declare module 'edifact/elements.js' {
  const elements: unknown;
  export default elements;
}
