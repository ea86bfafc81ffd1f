// Processes for the end-to-end tests: the real server on a fresh database, seeded by
// dashboard-fixture, and simulated stations (the real chair's core) driven over
// JSON lines.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '..', '..');
// The binaries cargo built: KIESDAG_BIN_DIR, else CARGO_TARGET_DIR's or the repository's,
// of the KIESDAG_PROFILE (debug unless told; the dashboard benchmark runs release).
export const BIN =
  process.env.KIESDAG_BIN_DIR ??
  join(resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target'), process.env.KIESDAG_PROFILE ?? 'debug');
export const PASSWORD = 'e2e-wachtwoord-lang-genoeg';
const SECRET = 'e2e-secret-0123456789abcdef0123456789abcdef';

function run(bin, args, input) {
  return new Promise((ok, fail) => {
    const child = spawn(join(BIN, bin), args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${bin} exited ${code}`))));
    child.stdin.end(input);
  });
}

export class Server {
  /** `fixtureArgs`: more of dashboard-fixture's flags (`--flemish-offices`). */
  static async start({ stations, closesInSeconds, fixtureArgs = [] }) {
    const dir = mkdtempSync(join(tmpdir(), 'kiesdag-e2e-'));
    const db = join(dir, 'kiesdag.db');
    const fixture = JSON.parse(await run('dashboard-fixture', ['--db', db, '--stations', String(stations), '--closes-in', String(closesInSeconds), ...fixtureArgs], PASSWORD + '\n'));
    const child = spawn(join(BIN, 'kiesdag'), ['--db', db, 'serve', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, KIESDAG_JWT_SECRET: SECRET, KIESDAG_WEB_DIR: join(ROOT, 'web-dashboard', 'dist'), KIESDAG_CHAIR_DIR: join(ROOT, 'web-chair', 'dist'), RUST_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const base = await new Promise((ok, fail) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => {
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) ok(m[1]);
        else fail(new Error(`unexpected: ${line}`));
      });
      child.on('exit', (code) => fail(new Error(`server exited ${code}`)));
    });
    return new Server(child, dir, base, fixture.codes, fixture.closes_at);
  }

  constructor(child, dir, base, codes, closesAt) {
    Object.assign(this, { child, dir, base, codes, closesAt });
  }

  /** Runs the `kiesdag` command line on this server's database; its standard output. */
  cli(args) {
    return run('kiesdag', ['--db', join(this.dir, 'kiesdag.db'), ...args], '');
  }

  stationUrl() {
    return this.base.replace('http://', 'ws://') + '/ws/station';
  }

  stop() {
    this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One simulated station: commands in, one JSON answer per command out, in order. */
export class Station {
  static async activate(server, index) {
    const station = new Station(spawn(join(BIN, 'station'), [], { stdio: ['pipe', 'pipe', 'inherit'] }));
    station.id = `GM0599-${index + 1}`;
    await station.send({ cmd: 'activate', url: server.stationUrl(), code: server.codes[index] });
    return station;
  }

  constructor(child) {
    this.child = child;
    this.waiting = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(JSON.parse(line));
    });
  }

  /** Sends a command; resolves with the answer, rejects when it failed. */
  async send(command) {
    const answer = await new Promise((ok) => {
      this.waiting.push(ok);
      this.child.stdin.write(JSON.stringify(command) + '\n');
    });
    if (!answer.ok) throw new Error(`station ${this.id}: ${command.cmd}: ${answer.error}`);
    return answer;
  }

  stop() {
    this.child.kill('SIGKILL');
  }
}
