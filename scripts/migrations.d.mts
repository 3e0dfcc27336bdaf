export interface Engine {
  name: "sqlite" | "postgres";
  schema: string;
  migrations: string;
}
export const ENGINES: { sqlite: Engine; postgres: Engine };
export function engineFor(url: string): Engine;
export function postgresSchemaFrom(sqliteSchema: string): string;
export function sqliteFilePath(url: string): string;
export function applyMigrations(url: string, options?: { until?: string }): Promise<string[]>;
