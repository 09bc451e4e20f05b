/**
 * Simulated players' recorded runs (humanRuns.ts) as JSON lines, for the server's tests and
 * benchmarks of the verifier (tests/solo/test_verifier.py, bench/solo_verify.py). Built for Node by
 * Vite as planCli.ts is:
 *   vite build --ssr e2e/solo/humanRunsCli.ts --outDir DIR && node DIR/humanRunsCli.js FIRST COUNT [long]
 * `long`: longMarathon's runs (about 10 minutes of play each) instead of humanRun's.
 */
import { humanRun, longMarathon } from './humanRuns';

const node = globalThis as unknown as { process: { argv: string[]; stdout: { write(text: string): void } } };
const [firstText, countText, kind] = node.process.argv.slice(2);
const play = kind === 'long' ? longMarathon : humanRun;
const first = Number(firstText ?? 1);
const count = Number(countText ?? 1000);
const lines: string[] = [];
for (let seed = first; seed < first + count; seed += 1) {
  lines.push(JSON.stringify({ seed, ...play(seed) }));
}
node.process.stdout.write(`${lines.join('\n')}\n`);
