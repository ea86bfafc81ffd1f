// One instance of the chair's core compiled to WebAssembly (web-chair/core, a plain
// byte-buffer ABI; see web-chair/core/src/abi.rs). Bytes in and out are crux's bincode,
// read and written with the types generated from the core.

const ABI_VERSION = 1;

/** The core refused the bytes it was given (status 1); the core goes on. */
export class CoreRefused extends Error {}
/** The core failed inside: an internal error (status 2) or a trap (a panic). */
export class CoreFault extends Error {}

interface Exports {
  memory: WebAssembly.Memory;
  kiesdag_abi_version(): number;
  kiesdag_alloc(len: number): number;
  kiesdag_free(ptr: number, len: number): void;
  kiesdag_update(ptr: number, len: number): number;
  kiesdag_resolve(id: number, ptr: number, len: number): number;
  kiesdag_view(): number;
  kiesdag_result_ptr(): number;
  kiesdag_result_len(): number;
}

export class WasmCore {
  private dead: string | null = null;

  private constructor(private readonly exports: Exports) {}

  /** Instantiates `module` (compiled once per page) as a new, empty core. */
  static async start(module: WebAssembly.Module, random: (into: Uint8Array) => void): Promise<WasmCore> {
    let exports: Exports | null = null;
    const instance = await WebAssembly.instantiate(module, {
      kiesdag: {
        random_fill: (ptr: number, len: number) => {
          if (exports === null) throw new Error('random_fill before start');
          random(new Uint8Array(exports.memory.buffer, ptr >>> 0, len >>> 0));
        },
      },
    });
    exports = instance.exports as unknown as Exports;
    const version = exports.kiesdag_abi_version();
    if (version !== ABI_VERSION) {
      throw new CoreFault(`the core speaks ABI ${version}, this shell ${ABI_VERSION}`);
    }
    return new WasmCore(exports);
  }

  /** Set once the instance trapped: it must not be called again. */
  get fault(): string | null {
    return this.dead;
  }

  update(event: Uint8Array): Uint8Array {
    return this.call(() => {
      const ptr = this.input(event);
      return this.exports.kiesdag_update(ptr, event.length);
    });
  }

  resolve(id: number, output: Uint8Array): Uint8Array {
    return this.call(() => {
      const ptr = this.input(output);
      return this.exports.kiesdag_resolve(id >>> 0, ptr, output.length);
    });
  }

  view(): Uint8Array {
    return this.call(() => this.exports.kiesdag_view());
  }

  private input(bytes: Uint8Array): number {
    const ptr = this.exports.kiesdag_alloc(bytes.length) >>> 0;
    new Uint8Array(this.exports.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }

  private result(): Uint8Array {
    const ptr = this.exports.kiesdag_result_ptr() >>> 0;
    const len = this.exports.kiesdag_result_len() >>> 0;
    // Copied out: the buffer is only valid until the next call into the module.
    return new Uint8Array(this.exports.memory.buffer, ptr, len).slice();
  }

  private call(body: () => number): Uint8Array {
    if (this.dead !== null) throw new CoreFault(this.dead);
    let status: number;
    try {
      status = body();
    } catch (trap) {
      // A panic aborts: the message is in the result buffer, the instance is done.
      let message = String(trap);
      try {
        const text = new TextDecoder().decode(this.result());
        if (text.length > 0) message = text;
      } catch {
        // The memory itself is unreadable: keep the trap's own message.
      }
      this.dead = message;
      throw new CoreFault(message);
    }
    const bytes = this.result();
    if (status === 0) return bytes;
    const detail = new TextDecoder().decode(bytes);
    if (status === 1) throw new CoreRefused(detail);
    throw new CoreFault(detail);
  }
}
