/**
 * The browser tests' scripted games, as JSON on standard output. Built for Node by Vite and run by
 * tests/browser (so the plan comes from the very engine the page runs):
 *   vite build --ssr e2e/solo/planCli.ts --outDir DIR && node DIR/planCli.js topout SEED LINES
 *   ... && node DIR/planCli.js tsd SEED
 */
import { planToppingOut, planTSpinDouble } from './plan';

const node = globalThis as unknown as { process: { argv: string[]; stdout: { write(text: string): void } } };
const [kind, seedText, linesText] = node.process.argv.slice(2);
const seed = Number(seedText);
const figures = (game: { score: number; lines: number; level: number; pieces: number }) => ({
  score: game.score,
  lines: game.lines,
  level: game.level,
  pieces: game.pieces,
});

if (kind === 'topout') {
  const plan = planToppingOut(seed, Number(linesText ?? 10));
  node.process.stdout.write(JSON.stringify({ pieces: plan.pieces, final: figures(plan.final) }));
} else if (kind === 'tsd') {
  const plan = planTSpinDouble(seed, 6);
  node.process.stdout.write(
    JSON.stringify(plan && { pieces: plan.pieces, before: figures(plan.before), after: figures(plan.after) }),
  );
} else {
  throw new Error(`unknown plan ${kind ?? ''}: use topout SEED LINES or tsd SEED`);
}
