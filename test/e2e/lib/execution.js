'use strict';
/**
 * Reading n8n's executions for the harness (see n8n.js): the run printed by `n8n execute
 * --rawOutput`, and a node's runs, output items and error in it. No I/O.
 *
 * Facts this relies on (read from n8n 2.41.1's own code and checked by n8n.selftest.js):
 * - `execute --id=ID --rawOutput` prints log lines, then the run as pretty-printed JSON
 *   (JSON.stringify(run, null, 2)); a failed run is printed the same way (through the logger) and
 *   the process exits 1.
 */

const { describeOutput } = require('./processes');

/**
 * Extracts the run printed by `n8n execute --rawOutput`: from the first line starting with `{`
 * (JSON.stringify(run, null, 2), so the object ends at the next line that is exactly `}`).
 * Candidates that are not a run (no `data`) are skipped. Returns null when there is none.
 */
function parseExecutionOutput(stdout) {
	const lines = String(stdout).split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].startsWith('{')) continue;
		let candidate = null;
		if (lines[i].trim() === '{') {
			for (let j = i + 1; j < lines.length; j++) {
				if (lines[j] === '}') {
					candidate = lines.slice(i, j + 1).join('\n');
					break;
				}
			}
		} else {
			candidate = lines[i];
		}
		if (candidate === null) candidate = lines.slice(i).join('\n');
		try {
			const parsed = JSON.parse(candidate);
			if (parsed && typeof parsed === 'object' && parsed.data && parsed.data.resultData)
				return parsed;
		} catch {
			/* try the next candidate */
		}
	}
	return null;
}

/**
 * What `n8n execute --id=ID --rawOutput` did, from its process result `res` (runProcess): see
 * N8nInstance.execute. A run n8n printed completely counts even when n8n then died of a signal
 * (2.41.1 sometimes segfaults while exiting). Throws when it printed no run.
 */
function executionResult(res, workflowId, timeoutMs) {
	const execution = parseExecutionOutput(res.stdout);
	if (!execution) {
		const why = res.timedOut
			? `timed out after ${timeoutMs} ms`
			: `exit ${res.exitCode ?? res.signal}`;
		throw new Error(
			`n8n execute --id=${workflowId} printed no execution (${why})\n${describeOutput(res)}`,
		);
	}
	const error = nodeError(execution);
	const succeeded = !error && execution.status === 'success';
	const crashedAfterOutput = res.exitCode === null;
	const exitCode = crashedAfterOutput ? (succeeded ? 0 : 1) : res.exitCode;
	return {
		ok: succeeded && exitCode === 0,
		exitCode,
		signal: res.signal,
		crashedAfterOutput,
		timedOut: res.timedOut,
		status: execution.status,
		execution,
		error,
		stdout: res.stdout,
		stderr: res.stderr,
		durationMs: res.durationMs,
	};
}

/** `execution.data.resultData.runData` (node name -> array of runs). */
function runData(execution) {
	const rd =
		execution && execution.data && execution.data.resultData && execution.data.resultData.runData;
	if (!rd) throw new Error('not an n8n execution: no data.resultData.runData');
	return rd;
}

/** All runs of a node (an array; empty when the node did not run). */
function nodeRuns(execution, nodeName) {
	return runData(execution)[nodeName] || [];
}

/** Items of the last run of `nodeName` on main output `outputIndex`. Throws if the node did not run. */
function nodeOutput(execution, nodeName, outputIndex = 0) {
	const runs = nodeRuns(execution, nodeName);
	if (runs.length === 0) {
		throw new Error(
			`node "${nodeName}" did not run; nodes that ran: ${Object.keys(runData(execution)).join(', ') || 'none'}`,
		);
	}
	const last = runs[runs.length - 1];
	const main = (last.data && last.data.main) || [];
	return main[outputIndex] || [];
}

/**
 * The error of the last run of `nodeName` (`{ message, description, name, ... }`), or null.
 * Without nodeName: the execution's error (data.resultData.error), or null.
 */
function nodeError(execution, nodeName) {
	if (nodeName === undefined) {
		return (
			(execution &&
				execution.data &&
				execution.data.resultData &&
				execution.data.resultData.error) ||
			null
		);
	}
	const runs = nodeRuns(execution, nodeName);
	if (runs.length === 0) return null;
	return runs[runs.length - 1].error || null;
}

module.exports = {
	parseExecutionOutput,
	executionResult,
	runData,
	nodeOutput,
	nodeError,
};
