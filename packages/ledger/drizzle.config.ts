import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @edigate/ledger db:generate` writes the SQL migrations to ./drizzle from src/schema.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
});
