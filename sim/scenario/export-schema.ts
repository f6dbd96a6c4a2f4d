/**
 * Writes scenarios/schema.json (the editor schema) from sim/scenario/schema.ts:
 *   node --import tsx sim/scenario/export-schema.ts
 * test/scenario/schema.test.ts fails when the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scenarioJsonSchema } from './schema.js';

export const SCHEMA_PATH = resolve(import.meta.dirname, '../../scenarios/schema.json');

export function schemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && /export-schema\.(ts|js)$/.test(process.argv[1])) {
  writeFileSync(SCHEMA_PATH, schemaText());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
