/**
 * The verifier worker: Node runs the bundle of this file (web/dist-verifier/verifier.mjs, built by
 * `vite build -c vite.verifier.config.ts`) as a long-lived process the Django process talks to.
 */
import { answer } from './protocol';

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  let end = buffered.indexOf('\n');
  while (end >= 0) {
    const line = buffered.slice(0, end);
    buffered = buffered.slice(end + 1);
    if (line.trim()) {
      process.stdout.write(`${answer(line)}\n`);
    }
    end = buffered.indexOf('\n');
  }
});
// The server closing our stdin is the signal to stop.
process.stdin.on('end', () => process.exit(0));
