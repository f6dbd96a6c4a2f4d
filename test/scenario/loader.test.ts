import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.js';
import { FileError } from '../../sim/scenario/yaml.js';
import { SCHEMA_PATH, schemaText } from '../../sim/scenario/export-schema.js';

const LAB = `lab:
  devices:
    - name: R1
      startupConfig: |
        hostname R1
`;

function problems(text: string): string[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (e) {
    if (e instanceof FileError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a FileError');
}

describe('scenario loader', () => {
  it('compiles a valid scenario with positions and default sessions', () => {
    const s = parseScenario(`name: t\nseed: 3\n${LAB}steps:\n  - open: R1\n  - type: [enable, show clock]\n  - advance: 1d12h\n  - expect: { contains: x }\n`, 'x.yaml');
    expect(s.seed).toBe(3);
    expect(s.steps.map((x) => x.kind)).toEqual(['open', 'input', 'advance', 'expect']);
    expect(s.steps[1]).toMatchObject({ kind: 'input', session: 's1', data: 'enable\rshow clock\r', line: 10, col: 5 });
    expect(s.steps[2]).toMatchObject({ byMs: 36 * 3600_000 });
  });

  it('reports YAML syntax errors with line:column', () => {
    const p = problems(`name: t\nsteps:\n  - type: [a, b\n`);
    expect(p[0]).toMatch(/^x\.yaml:\d+:\d+: /);
  });

  it('reports an unknown step at its key', () => {
    const p = problems(`name: t\n${LAB}steps:\n  - open: R1\n  - typo: show clock\n`);
    expect(p).toEqual([`x.yaml:9:5: steps.1: unknown step "typo" (a step is one of: phase, note, open, close, type, keys, expect, advance, ca, reload, restart, expectEvent, expectLog, expectIke, check)`]);
  });

  it('reports two actions in one step', () => {
    const p = problems(`name: t\n${LAB}steps:\n  - open: R1\n    advance: 1d\n`);
    expect(p[0]).toMatch(/^x\.yaml:9:5: steps\.0: one action per step \(found open and advance\)/);
  });

  it('reports an unknown device with the lab devices', () => {
    const p = problems(`name: t\n${LAB}steps:\n  - open: { device: R7 }\n`);
    expect(p).toEqual(['x.yaml:8:21: unknown device "R7" (the lab has: R1)']);
  });

  it('reports an unknown session and a type before any open', () => {
    const p = problems(`name: t\n${LAB}steps:\n  - type: show clock\n  - open: R1\n  - type: x\n    session: s9\n`);
    expect(p[0]).toMatch(/^x\.yaml:8:5: no session is open yet/);
    expect(p[1]).toMatch(/^x\.yaml:11:14: unknown session "s9"/);
  });

  it('reports schema problems: bad duration, missing name, unknown top-level key', () => {
    const p = problems(`nme: t\n${LAB}steps:\n  - advance: 3 days\n`);
    expect(p.join('\n')).toMatch(/x\.yaml:1:1: nme|unknown key "nme"/);
    expect(p.join('\n')).toMatch(/name: required/);
    expect(p.join('\n')).toMatch(/x\.yaml:8:14: steps\.0\.advance: must be a duration/);
  });

  it('reports a ca step when the lab has no CA', () => {
    const p = problems(`name: t\n${LAB}steps:\n  - ca: { grant: all }\n`);
    expect(p[0]).toMatch(/^x\.yaml:8:\d+: ca: the lab names no CA/);
  });

  it('reports an empty file and a non-map file', () => {
    expect(problems('')[0]).toMatch(/x\.yaml:1:1: the file is empty/);
    expect(problems('- a\n- b\n')[0]).toMatch(/x\.yaml:1:1: a scenario file is a map/);
  });

  it('checks regexes at load time', () => {
    const p = problems(`name: t\n${LAB}steps:\n  - open: R1\n  - expect: { regex: "a(" }\n`);
    expect(p[0]).toMatch(/^x\.yaml:9:\d+: regex: Invalid regular expression/);
  });
});

describe('scenarios/schema.json', () => {
  it('is up to date (regenerate: node --import tsx sim/scenario/export-schema.ts)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(schemaText());
  });
});
