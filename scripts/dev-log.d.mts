export function redact(text: string): string;
export function pipeRedacted(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void;
