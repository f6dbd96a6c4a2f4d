/**
 * Where the team's shared reference material lives: `shared/` beside the repository
 * (as laid out on developer machines and in CI's fresh clone).
 */
import fs from 'node:fs';
import path from 'node:path';

const candidates = [path.resolve(import.meta.dirname, '../../../shared'), '/work/shared'];

export const SHARED_DIR: string = candidates.find((d) => fs.existsSync(path.join(d, 'ntc-templates'))) ?? candidates[0]!;
export const NTC_TEMPLATES: string = path.join(SHARED_DIR, 'ntc-templates', 'templates');
