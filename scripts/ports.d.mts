export function portProblem(port: number, host?: string): Promise<string | null>;
export function portsInUse(
  ports: { port: number; name: string; variable: string }[],
  host?: string,
): Promise<string[]>;
