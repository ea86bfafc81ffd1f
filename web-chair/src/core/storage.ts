// The core's key-value storage (crux_kv) in IndexedDB: one object store of byte
// arrays. A write is answered only after its transaction has committed, with strict
// durability (flushed to disk where the browser supports it), so a report the core
// counts as pending survives a reload, a crash or a closed tab.
import { openDB, type IDBPDatabase } from 'idb';
import type { KeyValueOperation, KeyValueResult, Value } from '../generated/types/shared_types';

const STORE = 'kv';

export interface KeyValueStore {
  perform(operation: KeyValueOperation): Promise<KeyValueResult>;
}

function value(bytes: Uint8Array | undefined): Value {
  return bytes === undefined ? { kind: 'None' } : { kind: 'Bytes', value: Array.from(bytes) };
}

function io(error: unknown): KeyValueResult {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'Err', error: { kind: 'Io', message } };
}

export class IndexedDbStore implements KeyValueStore {
  private constructor(private readonly db: IDBPDatabase) {}

  /** Opens (creating when new) the database `name`; one per browser profile and origin. */
  static async open(name = 'kiesdag-chair'): Promise<IndexedDbStore> {
    const db = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
      },
    });
    return new IndexedDbStore(db);
  }

  async perform(operation: KeyValueOperation): Promise<KeyValueResult> {
    try {
      switch (operation.kind) {
        case 'Get': {
          const bytes = (await this.db.get(STORE, operation.key)) as Uint8Array | undefined;
          return { kind: 'Ok', response: { kind: 'Get', value: value(bytes) } };
        }
        case 'Set': {
          const tx = this.db.transaction(STORE, 'readwrite', { durability: 'strict' });
          const previous = (await tx.store.get(operation.key)) as Uint8Array | undefined;
          await tx.store.put(Uint8Array.from(operation.value), operation.key);
          await tx.done;
          return { kind: 'Ok', response: { kind: 'Set', previous: value(previous) } };
        }
        case 'Delete': {
          const tx = this.db.transaction(STORE, 'readwrite', { durability: 'strict' });
          const previous = (await tx.store.get(operation.key)) as Uint8Array | undefined;
          await tx.store.delete(operation.key);
          await tx.done;
          return { kind: 'Ok', response: { kind: 'Delete', previous: value(previous) } };
        }
        case 'Exists': {
          const key = await this.db.getKey(STORE, operation.key);
          return { kind: 'Ok', response: { kind: 'Exists', is_present: key !== undefined } };
        }
        case 'ListKeys': {
          // Every key in one page: the core's keys are few (one per unsent report).
          const keys = (await this.db.getAllKeys(STORE)).map(String).filter((k) => k.startsWith(operation.prefix));
          keys.sort();
          return { kind: 'Ok', response: { kind: 'ListKeys', keys, next_cursor: 0n } };
        }
      }
    } catch (error) {
      return io(error);
    }
  }

  /** The stored keys, for tests and diagnostics. */
  async keys(): Promise<string[]> {
    return (await this.db.getAllKeys(STORE)).map(String);
  }

  close(): void {
    this.db.close();
  }
}

/** Storage in memory, for tests. */
export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, Uint8Array>();

  async perform(operation: KeyValueOperation): Promise<KeyValueResult> {
    switch (operation.kind) {
      case 'Get':
        return { kind: 'Ok', response: { kind: 'Get', value: value(this.data.get(operation.key)) } };
      case 'Set': {
        const previous = this.data.get(operation.key);
        this.data.set(operation.key, Uint8Array.from(operation.value));
        return { kind: 'Ok', response: { kind: 'Set', previous: value(previous) } };
      }
      case 'Delete': {
        const previous = this.data.get(operation.key);
        this.data.delete(operation.key);
        return { kind: 'Ok', response: { kind: 'Delete', previous: value(previous) } };
      }
      case 'Exists':
        return { kind: 'Ok', response: { kind: 'Exists', is_present: this.data.has(operation.key) } };
      case 'ListKeys': {
        const keys = [...this.data.keys()].filter((k) => k.startsWith(operation.prefix)).sort();
        return { kind: 'Ok', response: { kind: 'ListKeys', keys, next_cursor: 0n } };
      }
    }
  }
}
