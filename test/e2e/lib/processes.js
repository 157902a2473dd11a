'use strict';
/**
 * Child processes for the n8n harness (see n8n.js): a command run to its end, a long-running one
 * in its own process group, free ports, the exit hook that kills what is left and removes the
 * temporary folders, and the memory of a process tree. Node built-ins only.
 *
 * Hand-written on purpose: free ports come from the kernel (port 0), so runs by several people
 * on one machine never race for a range; a process group is killed with one signal, including
 * the task runner n8n leaves behind (re-parented to init, so a walk over parent pids misses it);
 * the RSS is read synchronously from /proc with each process's name.
 */

const childProcess = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const TAIL_CHARS = 4000;

// ---------------------------------------------------------------------------------------------
// output

/**
 * Raw (chunk) writer for streaming a child's progress output to a `log` option: a
 * function(string), a writable stream, or false/null for silence (undefined: stderr).
 */
function toChunkWriter(log) {
	if (log === undefined) return (c) => process.stderr.write(c);
	if (log === null || log === false) return () => {};
	if (typeof log === 'function') return (c) => log(String(c));
	if (log && typeof log.write === 'function') return (c) => log.write(c);
	throw new TypeError('log must be a function, a writable stream, or false');
}

/** Line logger for a `log` option: a function gets each line as it is, a stream one per line. */
function toLogger(log) {
	if (typeof log === 'function') return (s) => log(s);
	const write = toChunkWriter(log);
	return (s) => write(s.endsWith('\n') ? s : `${s}\n`);
}

function tail(text, max = TAIL_CHARS) {
	if (!text) return '';
	const s = String(text);
	return s.length <= max ? s : `…${s.slice(s.length - max)}`;
}

function describeOutput(res) {
	const parts = [];
	if (res.stderr && res.stderr.trim())
		parts.push(`--- stderr (tail) ---\n${tail(res.stderr).trimEnd()}`);
	if (res.stdout && res.stdout.trim())
		parts.push(`--- stdout (tail) ---\n${tail(res.stdout).trimEnd()}`);
	return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// ports, temporary folders, the exit hook

// Every port handed out by this process, so that two instances never get the same one.
const usedPorts = new Set();

/** A free TCP port on 127.0.0.1 (bound then released; `exclude` avoids handing out one twice). */
async function getFreePort(exclude = usedPorts) {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = await new Promise((resolve, reject) => {
			const srv = net.createServer();
			srv.unref();
			srv.on('error', reject);
			srv.listen(0, '127.0.0.1', () => {
				const { port: p } = srv.address();
				srv.close(() => resolve(p));
			});
		});
		if (!exclude.has(port)) {
			exclude.add(port);
			return port;
		}
	}
	throw new Error('could not find a free port on 127.0.0.1');
}

// Children started detached (own process group) that are still alive: killed on exit.
const liveGroups = new Set();
const tempDirsToRemove = new Set();
let exitHookInstalled = false;
function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const pid of liveGroups) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				/* already gone */
			}
		}
		for (const dir of tempDirsToRemove) {
			try {
				fs.rmSync(dir, { recursive: true, force: true });
			} catch {
				/* best effort */
			}
		}
	});
}

/** A fresh folder `<tmp>/<prefix>XXXXXX`, removed when this process exits (unless kept). */
async function makeTempDir(prefix) {
	installExitHook();
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
	tempDirsToRemove.add(dir);
	return dir;
}

/** Removes a folder from makeTempDir now (so the exit hook need not). */
async function removeTempDir(dir) {
	await fsp.rm(dir, { recursive: true, force: true });
	tempDirsToRemove.delete(dir);
}

// ---------------------------------------------------------------------------------------------
// processes

/** Signals the process group `pid` leads (children are spawned detached, so they lead one). */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/**
 * Runs a command, capturing stdout/stderr. Resolves { exitCode, signal, stdout, stderr,
 * durationMs, timedOut }; never rejects for a non-zero exit (only when the command cannot start).
 */
function runProcess(
	command,
	args,
	{ cwd, env, timeoutMs, onStdout, onStderr, onSpawn, detached = true } = {},
) {
	installExitHook();
	return new Promise((resolve, reject) => {
		const started = Date.now();
		let child;
		try {
			child = childProcess.spawn(command, args, {
				cwd,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached,
			});
		} catch (error) {
			reject(error);
			return;
		}
		if (detached) liveGroups.add(child.pid);
		if (onSpawn) onSpawn(child);
		const out = [];
		const err = [];
		let timedOut = false;
		let timer = null;
		child.stdout.on('data', (c) => {
			out.push(c);
			if (onStdout) onStdout(c);
		});
		child.stderr.on('data', (c) => {
			err.push(c);
			if (onStderr) onStderr(c);
		});
		if (timeoutMs) {
			timer = setTimeout(() => {
				timedOut = true;
				killGroup(child.pid, 'SIGKILL');
			}, timeoutMs);
		}
		child.on('error', (error) => {
			if (timer) clearTimeout(timer);
			liveGroups.delete(child.pid);
			reject(new Error(`could not run ${command}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			if (detached) {
				// n8n may leave a task-runner child behind in its group: reap it.
				killGroup(child.pid, 'SIGKILL');
				liveGroups.delete(child.pid);
			}
			resolve({
				exitCode: code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				durationMs: Date.now() - started,
				timedOut,
			});
		});
	});
}

/**
 * Starts a long-running command in its own process group (killed when this process exits),
 * collecting its output. Returns { pid, child, stdout, stderr, exitPromise }: stdout and stderr
 * read what it printed so far; exitPromise resolves { code, signal }.
 */
function spawnInGroup(command, args, { cwd, env }) {
	installExitHook();
	const child = childProcess.spawn(command, args, {
		cwd,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	liveGroups.add(child.pid);
	const out = [];
	const err = [];
	child.stdout.on('data', (c) => out.push(c));
	child.stderr.on('data', (c) => err.push(c));
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			liveGroups.delete(child.pid);
			resolve({ code, signal });
		}),
	);
	return {
		pid: child.pid,
		child,
		exitPromise,
		get stdout() {
			return Buffer.concat(out).toString('utf8');
		},
		get stderr() {
			return Buffer.concat(err).toString('utf8');
		},
	};
}

/** Whether a process from spawnInGroup has exited. */
function hasExited(proc) {
	return proc.child.exitCode !== null || proc.child.signalCode !== null;
}

/**
 * Ends a process from spawnInGroup: `signal` to its group, SIGKILL after `graceMs`, then SIGKILL
 * to whatever is left in the group (n8n's task runner). Resolves its exit.
 */
async function stopGroup(proc, { signal = 'SIGTERM', graceMs }) {
	if (!hasExited(proc)) {
		killGroup(proc.pid, signal);
		const timer = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), graceMs);
		await proc.exitPromise;
		clearTimeout(timer);
	}
	killGroup(proc.pid, 'SIGKILL');
	liveGroups.delete(proc.pid);
	return proc.exitPromise;
}

// ---------------------------------------------------------------------------------------------
// memory sampling

function readProcStat(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const close = stat.lastIndexOf(')');
		const fields = stat.slice(close + 2).split(' ');
		return { ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close) };
	} catch {
		return null;
	}
}

function readVmRssKb(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
		return m ? Number(m[1]) : 0;
	} catch {
		return 0;
	}
}

/**
 * VmRSS of `pid` and all its descendants (n8n forks a JS task runner). Returns
 * { totalKb, totalBytes, processes: [{ pid, ppid, comm, rssKb }] }.
 */
function processTreeRss(pid) {
	const children = new Map();
	const info = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const st = readProcStat(entry);
		if (!st) continue;
		const p = Number(entry);
		info.set(p, st);
		if (!children.has(st.ppid)) children.set(st.ppid, []);
		children.get(st.ppid).push(p);
	}
	const processes = [];
	const queue = [pid];
	const seen = new Set();
	while (queue.length) {
		const p = queue.shift();
		if (seen.has(p)) continue;
		seen.add(p);
		const st = info.get(p);
		if (!st) continue;
		processes.push({ pid: p, ppid: st.ppid, comm: st.comm, rssKb: readVmRssKb(p) });
		for (const c of children.get(p) || []) queue.push(c);
	}
	const totalKb = processes.reduce((s, p) => s + p.rssKb, 0);
	return { totalKb, totalBytes: totalKb * 1024, processes };
}

module.exports = {
	toChunkWriter,
	toLogger,
	tail,
	describeOutput,
	getFreePort,
	makeTempDir,
	removeTempDir,
	killGroup,
	runProcess,
	spawnInGroup,
	hasExited,
	stopGroup,
	processTreeRss,
};
