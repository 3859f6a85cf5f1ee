import type { Session, SessionStore, UserId } from 'nestjs-charon';
import { BarrierSessionStore } from '../../support/barrier-session-store';

/** Racers held between their read and their write; see {@link GatedSessionStore.hold}. */
export interface SessionGate {
  /** Resolves once every held read has loaded; rejects (and opens the gate) if they don't all arrive in time. */
  readonly loaded: Promise<void>;
  /** Lets the held reads return what they loaded. */
  open(): void;
}

interface Gate {
  parties: number;
  loads: Promise<unknown>[];
  allArrived: () => void;
  opened: Promise<void>;
}

/** Long enough for any request to reach the store on a loaded machine; only a broken test waits this long. */
const ARRIVAL_TIMEOUT_MS = 10_000;

/**
 * A {@link BarrierSessionStore} whose racers the test releases itself. The barrier lets racing requests go the
 * moment the last one has loaded; a gate keeps them holding what they loaded until the test opens it, so the test
 * can act in between (log out while refreshes hold a session they read before the logout) and every write of the
 * race lands after that act.
 */
export class GatedSessionStore extends BarrierSessionStore {
  private gate: Gate | undefined;

  constructor(private readonly wrapped: SessionStore) {
    super(wrapped);
  }

  /** Holds the next `parties` gets, each once it has read the session, until the gate opens. */
  hold(parties: number): SessionGate {
    let open!: () => void;
    let allArrived!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    const gate: Gate = { parties, loads: [], allArrived, opened };
    this.gate = gate;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${gate.loads.length} of ${parties} racers reached the store`)), ARRIVAL_TIMEOUT_MS);
    });
    const loaded = Promise.race([arrived.then(() => Promise.all(gate.loads)), timeout]).then(
      () => clearTimeout(timer),
      (error: unknown) => {
        clearTimeout(timer);
        open();
        throw error;
      },
    );
    return { loaded, open };
  }

  override async get(sessionId: string, userId: UserId, type: string): Promise<Session | null> {
    const gate = this.gate;
    if (gate === undefined || gate.loads.length >= gate.parties) return this.wrapped.get(sessionId, userId, type);
    const load = this.wrapped.get(sessionId, userId, type);
    gate.loads.push(load);
    if (gate.loads.length === gate.parties) gate.allArrived();
    const session = await load;
    await gate.opened;
    return session;
  }
}
