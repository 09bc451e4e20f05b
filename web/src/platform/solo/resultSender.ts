/**
 * The one sender of kept solo results in a tab. It posts what is due while the player is signed in,
 * retries with backoff (at once when the browser comes back online), and picks up results kept
 * before a reload or by another tab. The app mounts it through useSoloResults, on every page, so a
 * result finished while signed out is posted as soon as the player has signed in, wherever they are.
 */
import { afterOutcome, browserStore, due, STORAGE_KEY, upsert, type KeptResult, type PostResult, type ResultStore } from './outbox';

type Listener = () => void;

export class ResultSender {
  private results: KeptResult[];
  private readonly listeners = new Set<Listener>();
  private readonly inFlight = new Set<string>();
  private post: PostResult | null = null;
  private signedIn = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: ResultStore,
    private readonly now: () => number = Date.now,
  ) {
    this.results = store.load();
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): readonly KeptResult[] => this.results;

  isSignedIn(): boolean {
    return this.signedIn;
  }

  configure(post: PostResult, signedIn: boolean): void {
    this.post = post;
    this.signedIn = signedIn;
    if (signedIn) {
      // A fresh sign-in: results a 401 stopped can go again.
      this.pump();
    }
    this.emit();
  }

  keep(result: KeptResult): void {
    this.write(result);
    this.pump();
  }

  /** Back online, or another tab changed the kept results: read them again and try what is due now. */
  reload(resetBackoff: boolean): void {
    this.results = this.store.load().map((r) => (resetBackoff && r.state === 'pending' ? { ...r, notBefore: 0 } : r));
    if (resetBackoff) {
      this.store.save(this.results);
    }
    this.emit();
    this.pump();
  }

  private write(result: KeptResult): void {
    this.results = upsert(this.store.load(), result);
    this.store.save(this.results);
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }

  private pump(): void {
    clearTimeout(this.timer);
    const post = this.post;
    if (!this.signedIn || post === null) {
      return;
    }
    const now = this.now();
    for (const result of due(this.results, now)) {
      if (this.inFlight.has(result.key)) {
        continue;
      }
      this.inFlight.add(result.key);
      void post(result.body, result.key).then((outcome) => {
        this.inFlight.delete(result.key);
        this.write(afterOutcome(result, outcome, this.now()));
        this.pump();
      });
    }
    const waiting = this.results.filter((r) => r.state === 'pending' && !this.inFlight.has(r.key));
    const soonest = Math.min(...waiting.map((r) => r.notBefore));
    if (Number.isFinite(soonest)) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, soonest - now));
    }
  }
}

let shared: ResultSender | null = null;

/** The tab's sender, made on first use (and listening for 'online' and other tabs' changes). */
export function resultSender(): ResultSender {
  if (shared === null) {
    const sender = new ResultSender(browserStore(window.localStorage));
    // A new page (a reload, a new tab) tries what is kept at once: the backoff was the old page's.
    sender.reload(true);
    window.addEventListener('online', () => sender.reload(true));
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY) {
        sender.reload(false);
      }
    });
    shared = sender;
  }
  return shared;
}
