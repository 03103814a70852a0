// Starts a private redis-server child process (on a free loopback port) for local development and tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface PrivateRedis {
  /** e.g. redis://127.0.0.1:40123 */
  url: string;
  port: number;
  /** Stops the server (SIGTERM, so the AOF is flushed; SIGKILL after 5 s). Safe to call more than once. */
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Working directory of redis-server (append-only files live here). Created if missing. */
  dataDir: string;
  /** true: append-only file fsynced every second, so data survives restarts. false: memory only. */
  durable: boolean;
  /** Progress lines: installing, started, exited unexpectedly. Silent by default. */
  log?: (line: string) => void;
}

export class RedisServerMissingError extends Error {
  override name = 'RedisServerMissingError';
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_INTERVAL_MS = 50;
const PORT_RETRIES = 3;
const OUTPUT_LINES_KEPT = 20;
const EXTRA_SEARCH_DIRS = ['/usr/bin', '/usr/sbin'];
const INSTALL_HINT =
  'install it (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) ' +
  'or set REDIS_URL to an existing Redis';

// ---------------------------------------------------------------------------------------------
// Finding (or installing) the binary

/** Returns the path of redis-server, installing it with apt-get when we are root on Debian/Ubuntu. */
export async function findOrInstallRedisServer(log: (line: string) => void): Promise<string> {
  const found = await findExecutable('redis-server');
  if (found) return found;

  const aptGet = await findExecutable('apt-get');
  if (process.getuid?.() !== 0 || !aptGet) {
    throw new RedisServerMissingError(`redis-server not found: ${INSTALL_HINT}`);
  }
  log('redis-server not found: installing it with apt-get install -y redis-server');
  await aptInstallRedis(aptGet, log);

  const installed = await findExecutable('redis-server');
  if (!installed) {
    throw new RedisServerMissingError(`redis-server still not found after apt-get install: ${INSTALL_HINT}`);
  }
  return installed;
}

async function findExecutable(name: string): Promise<string | undefined> {
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of new Set([...pathDirs, ...EXTRA_SEARCH_DIRS])) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** apt-get install; if that fails (typically stale or missing package lists), apt-get update and retry. */
async function aptInstallRedis(aptGet: string, log: (line: string) => void): Promise<void> {
  const install = () => runLogged(aptGet, ['install', '-y', 'redis-server'], log);
  if ((await install()) === 0) return;

  await runLogged(aptGet, ['update', '-qq'], log);
  const code = await install();
  if (code !== 0) {
    throw new RedisServerMissingError(`apt-get install -y redis-server failed (exit ${code}): ${INSTALL_HINT}`);
  }
}

/** Runs a command, sends its stdout and stderr to log line by line, resolves with its exit code. */
function runLogged(command: string, args: string[], log: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    onLines(child.stdout, log);
    onLines(child.stderr, log);
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

function onLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}

// ---------------------------------------------------------------------------------------------
// Starting and stopping

/** Starts redis-server on a free 127.0.0.1 port and resolves once it answers PING. */
export async function startPrivateRedis(opts: PrivateRedisOptions): Promise<PrivateRedis> {
  const log = opts.log ?? (() => {});
  const binary = await findOrInstallRedisServer(log);
  await mkdir(opts.dataDir, { recursive: true });

  for (let attempt = 0; ; attempt++) {
    const port = await pickFreePort();
    try {
      return await launch(binary, port, opts, log);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= PORT_RETRIES) throw err;
      log(`port ${port} was taken before redis-server could bind it; retrying on another port`);
    }
  }
}

class PortTakenError extends Error {}

function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function redisArgs(port: number, opts: PrivateRedisOptions): string[] {
  const persistence = opts.durable
    ? ['--appendonly', 'yes', '--appendfsync', 'everysec']
    : ['--appendonly', 'no'];
  return [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--dir', path.resolve(opts.dataDir),
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--save', '',
    ...persistence,
  ];
}

/** What we have seen of a redis-server child: its recent output, whether it is ready, how it ended. */
interface ChildWatch {
  recentLines: string[];
  ready: boolean;
  ended?: string;
}

function watchChild(child: ChildProcess): ChildWatch {
  const watch: ChildWatch = { recentLines: [], ready: false };
  const onLine = (line: string) => {
    if (line.includes('Ready to accept connections')) watch.ready = true;
    watch.recentLines.push(line);
    if (watch.recentLines.length > OUTPUT_LINES_KEPT) watch.recentLines.shift();
  };
  onLines(child.stdout!, onLine);
  onLines(child.stderr!, onLine);
  child.once('error', (err) => (watch.ended ??= `could not be started: ${err.message}`));
  child.once('exit', (code, signal) => (watch.ended ??= signal ? `killed by ${signal}` : `exited with code ${code}`));
  return watch;
}

async function launch(
  binary: string,
  port: number,
  opts: PrivateRedisOptions,
  log: (line: string) => void,
): Promise<PrivateRedis> {
  const child = spawn(binary, redisArgs(port, opts), { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnParentExit(child);
  const watch = watchChild(child);

  try {
    await waitUntilReady(port, watch);
  } catch (err) {
    await stopChild(child, 'SIGKILL');
    throw err;
  }

  let stopping: Promise<void> | undefined;
  child.once('exit', () => {
    if (!stopping) log(`redis-server on port ${port} ${watch.ended}: ${lastOutput(watch)}`);
  });
  log(`redis-server (${opts.durable ? 'durable' : 'in-memory'}) on redis://127.0.0.1:${port}, dir ${opts.dataDir}`);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => (stopping ??= stopChild(child, 'SIGTERM')),
  };
}

/** Polls until redis-server has printed its ready line and answers PING; fails if it dies or times out. */
async function waitUntilReady(port: number, watch: ChildWatch): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (watch.ended) {
      const output = lastOutput(watch);
      if (watch.recentLines.some((line) => line.includes('Address already in use'))) {
        throw new PortTakenError(`port ${port} is in use: ${output}`);
      }
      throw new Error(`redis-server on port ${port} ${watch.ended} before it was ready: ${output}`);
    }
    if (watch.ready && (await ping(port))) return;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(
    `redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS / 1000} s: ${lastOutput(watch)}`,
  );
}

function lastOutput(watch: ChildWatch): string {
  return watch.recentLines.length ? watch.recentLines.slice(-8).join(' | ') : '(no output)';
}

/** Sends one PING over a fresh connection; true if the reply is +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) socket.destroy();
    });
    socket.on('error', () => {}); // 'close' follows and resolves false
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
  });
}

/** Sends `signal`, waits up to STOP_TIMEOUT_MS for the exit, then SIGKILLs. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = waitForExit(child);
  if (hasExited(child)) return;
  child.kill(signal);
  if (await finishesWithin(exited, STOP_TIMEOUT_MS)) return;
  child.kill('SIGKILL');
  await exited;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child)) return resolve();
    child.once('exit', () => resolve());
  });
}

async function finishesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// The children must not outlive this process

const liveChildren = new Set<ChildProcess>();
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killOnParentExit(child: ChildProcess): void {
  if (liveChildren.size === 0) installExitHooks();
  liveChildren.add(child);
  const forget = () => {
    if (liveChildren.delete(child) && liveChildren.size === 0) removeExitHooks();
  };
  child.once('exit', forget);
  child.once('error', forget); // spawn failures emit 'error' and possibly no 'exit'
}

function installExitHooks(): void {
  process.on('exit', terminateLiveChildren);
  for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
}

function removeExitHooks(): void {
  process.removeListener('exit', terminateLiveChildren);
  for (const signal of FATAL_SIGNALS) process.removeListener(signal, onFatalSignal);
}

/** SIGTERM, not SIGKILL: redis flushes its append-only file on the way out. */
function terminateLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGTERM');
}

/**
 * Our listener must not swallow a signal that would otherwise end the process. If the application
 * handles the signal itself we do nothing (its shutdown ends in 'exit', which we hook); if we are
 * the only listener, we stop the children and re-raise the signal with its default behaviour.
 */
function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  terminateLiveChildren();
  removeExitHooks();
  process.kill(process.pid, signal);
}
