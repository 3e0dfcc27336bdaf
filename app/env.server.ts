import { z } from "zod";

// Validated once at boot: a missing setting fails start-up with its name, never a silent "" at run time.
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, "file:… (SQLite) or postgresql://…"),
});

export const env = schema.parse(process.env);
