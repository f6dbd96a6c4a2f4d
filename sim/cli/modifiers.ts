/**
 * Output modifiers: `| include`, `| exclude`, `| begin`, `| section`, `| count` (declared in
 * cli-grammar/ios/pipe.ts, mode 'pipe'). IOS regexes are close enough to JavaScript's; an
 * invalid pattern is matched literally.
 */
export interface OutputFilter {
  push(line: string): void;
  /** Lines ready to print now (streaming filters). */
  drain(): string[];
  /** End of the command output: the remaining lines. */
  end(): string[];
}

function compile(src: string): RegExp {
  try {
    return new RegExp(src);
  } catch {
    return new RegExp(src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

export function makeFilter(id: string, regex: string): OutputFilter {
  const re = compile(regex);
  let ready: string[] = [];
  const drain = () => {
    const r = ready;
    ready = [];
    return r;
  };
  switch (id) {
    case 'pipe.include':
      return { push: (l) => void (re.test(l) && ready.push(l)), drain, end: drain };
    case 'pipe.exclude':
      return { push: (l) => void (!re.test(l) && ready.push(l)), drain, end: drain };
    case 'pipe.begin': {
      let on = false;
      return {
        push: (l) => {
          if (!on && re.test(l)) on = true;
          if (on) ready.push(l);
        },
        drain,
        end: drain,
      };
    }
    case 'pipe.count': {
      let n = 0;
      return { push: (l) => void (re.test(l) && n++), drain: () => [], end: () => [`Number of lines which match regexp = ${n}`] };
    }
    case 'pipe.section': {
      // INFERRED: a top-level block (a line at indent 0 and the indented lines under it) is
      // printed whole when its header or any of its children matches.
      const all: string[] = [];
      return {
        push: (l) => void all.push(l),
        drain: () => [],
        end: () => {
          const out: string[] = [];
          let i = 0;
          while (i < all.length) {
            let j = i + 1;
            while (j < all.length && /^\s/.test(all[j]!)) j++;
            const block = all.slice(i, j);
            if (block.some((l) => re.test(l))) out.push(...block);
            i = j;
          }
          return out;
        },
      };
    }
    default:
      return { push: (l) => void ready.push(l), drain, end: drain };
  }
}
