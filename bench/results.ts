// One place where every benchmark leaves its numbers: `bench/results.json` holds a section per
// benchmark (merged, so one benchmark can be rerun alone), and the README's table between the
// `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` markers is rewritten from the same numbers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results.json');
const README = path.join(ROOT, 'README.md');

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A Markdown table from a header row and data rows. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Stores `data` under `name` in bench/results.json (with the machine it ran on and when) and,
 * when `markdown` is given, puts it in the README between this benchmark's markers.
 */
export function record(name: string, data: unknown, markdown?: string): void {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run, or an unreadable file: start again
  }
  all[name] = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
    ...(data as object),
  };
  fs.writeFileSync(RESULTS, JSON.stringify(all, null, 2) + '\n');
  if (markdown === undefined) return;
  const readme = fs.readFileSync(README, 'utf8');
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    console.log(`(README has no ${begin} … ${end} markers; the table is only printed)`);
    return;
  }
  fs.writeFileSync(
    README,
    readme.slice(0, from + begin.length) + '\n\n' + markdown + '\n\n' + readme.slice(to),
  );
}
