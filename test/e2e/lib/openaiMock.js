'use strict';
/**
 * A scripted OpenAI-compatible API on 127.0.0.1 for the AI Agent tests: what n8n's OpenAI Chat
 * Model node (lmChatOpenAi) calls. `POST /v1/responses` (Responses API, model node typeVersion
 * 1.3 and later), `POST /v1/chat/completions` (with `tools` / `tool_calls`, below 1.3) and
 * `GET /v1/models`. Node built-ins only.
 *
 *   const mock = createOpenAiMock();
 *   const url = await mock.start();              // http://127.0.0.1:<port>/v1, the credential's URL
 *   mock.script((turn) => turn.toolResults.length === 0
 *     ? { toolCall: { arguments: { prompt: 'a kite' } } }
 *     : { text: 'Here it is' });
 *   ... run the agent ...
 *   mock.turns;                                  // every model call, normalised (see below)
 *
 * A turn, whichever API carried it: `{ api: 'responses' | 'chat', tools: [{ name, description,
 * parameters }], toolCalls: [{ id, name, arguments }] (what the model asked for earlier),
 * toolResults: [{ id, output }] (the tool answers n8n sent back, as strings), body }`.
 * The script answers `{ toolCall: { name?, arguments } }` (name defaults to the first tool) or
 * `{ text }`.
 */

const http = require('node:http');

const MODEL_ID = 'gpt-test';

/** The Responses API's `input` or chat completions' `messages`, as one shape. */
function normalise(api, body) {
	const tools = (body.tools || []).map((tool) => {
		const fn = api === 'chat' ? tool.function || {} : tool;
		return { name: fn.name, description: fn.description, parameters: fn.parameters };
	});
	const toolCalls = [];
	const toolResults = [];
	if (api === 'responses') {
		for (const entry of Array.isArray(body.input) ? body.input : []) {
			if (entry.type === 'function_call') {
				toolCalls.push({ id: entry.call_id, name: entry.name, arguments: JSON.parse(entry.arguments || '{}') });
			}
			if (entry.type === 'function_call_output') {
				toolResults.push({ id: entry.call_id, output: asText(entry.output) });
			}
		}
	} else {
		for (const message of body.messages || []) {
			for (const call of message.tool_calls || []) {
				toolCalls.push({ id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments || '{}') });
			}
			if (message.role === 'tool') toolResults.push({ id: message.tool_call_id, output: asText(message.content) });
		}
	}
	return { api, tools, toolCalls, toolResults, body };
}

/** Tool output may come as a string or as content parts. */
function asText(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part.text ?? part.output ?? '').join('');
	return JSON.stringify(content);
}

const usage = { input_tokens: 10, output_tokens: 5, total_tokens: 15 };

function responsesAnswer(reply, turn, seq) {
	const base = { id: `resp_${seq}`, object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'completed', model: MODEL_ID, usage };
	if (reply.toolCall) {
		return {
			...base,
			output: [
				{
					type: 'function_call',
					id: `fc_${seq}`,
					call_id: `call_${seq}`,
					name: reply.toolCall.name || turn.tools[0]?.name,
					arguments: JSON.stringify(reply.toolCall.arguments),
					status: 'completed',
				},
			],
		};
	}
	return {
		...base,
		output: [
			{
				type: 'message',
				id: `msg_${seq}`,
				role: 'assistant',
				status: 'completed',
				content: [{ type: 'output_text', text: reply.text, annotations: [] }],
			},
		],
	};
}

function chatAnswer(reply, turn, seq) {
	const message = reply.toolCall
		? {
				role: 'assistant',
				content: null,
				tool_calls: [
					{
						id: `call_${seq}`,
						type: 'function',
						function: { name: reply.toolCall.name || turn.tools[0]?.name, arguments: JSON.stringify(reply.toolCall.arguments) },
					},
				],
			}
		: { role: 'assistant', content: reply.text };
	return {
		id: `chatcmpl_${seq}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: MODEL_ID,
		choices: [{ index: 0, message, finish_reason: reply.toolCall ? 'tool_calls' : 'stop' }],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

function createOpenAiMock() {
	let script = () => ({ text: 'No script' });
	const turns = [];
	let server;
	let url;

	const send = (res, status, body) => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	};

	const handle = (req, res, raw) => {
		const path = req.url.split('?')[0].replace(/\/+$/, '');
		if (req.method === 'GET' && path === '/v1/models') {
			return send(res, 200, { object: 'list', data: [{ id: MODEL_ID, object: 'model', created: 0, owned_by: 'test' }] });
		}
		const api = path === '/v1/responses' ? 'responses' : path === '/v1/chat/completions' ? 'chat' : undefined;
		if (req.method !== 'POST' || !api) return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
		let body;
		try {
			body = JSON.parse(raw || '{}');
		} catch {
			return send(res, 400, { error: { message: 'body is not JSON' } });
		}
		// The agent tests run without streaming; a streamed call would need SSE this mock lacks.
		if (body.stream) return send(res, 400, { error: { message: 'this mock does not stream' } });
		const turn = normalise(api, body);
		turns.push(turn);
		let reply;
		try {
			reply = script(turn, turns.length - 1);
		} catch (error) {
			return send(res, 500, { error: { message: `script failed: ${error.message}` } });
		}
		const seq = turns.length;
		return send(res, 200, api === 'responses' ? responsesAnswer(reply, turn, seq) : chatAnswer(reply, turn, seq));
	};

	return {
		turns,
		get url() {
			return url;
		},
		/** Sets how the model answers each call: `(turn, index) => reply`; clears the record. */
		script(fn) {
			script = fn;
			turns.length = 0;
		},
		start() {
			return new Promise((resolve, reject) => {
				server = http.createServer((req, res) => {
					const chunks = [];
					req.on('data', (chunk) => chunks.push(chunk));
					req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
				});
				server.on('error', reject);
				server.listen(0, '127.0.0.1', () => {
					url = `http://127.0.0.1:${server.address().port}/v1`;
					resolve(url);
				});
			});
		},
		stop() {
			return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
		},
	};
}

module.exports = { createOpenAiMock, MODEL_ID };
