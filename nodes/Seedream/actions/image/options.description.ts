import type { INodeProperties } from 'n8n-workflow';

import { MODEL_IDS, MODELS } from '../../helpers/models';
import { OPTION_BOUNDS } from '../../helpers/options';

const { concurrency, maxRetries, timeout } = OPTION_BOUNDS;
const [concurrencyDefault, maxRetriesDefault, timeoutDefault] = [
	concurrency.default,
	maxRetries.default,
	timeout.default,
];
const fastModels = MODEL_IDS.map((id) => MODELS[id])
	.filter((model) => model.promptOptimizationModes.includes('fast'))
	.map((model) => model.name);
/** Models that take no prompt optimization: the option is hidden for them. */
const unoptimized = MODEL_IDS.filter((id) => MODELS[id].promptOptimizationModes.length === 0);

/** Image → Generate's Options: output, pacing and retries. */
export const options: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Binary Property Output',
			name: 'binaryPropertyOutput',
			type: 'string',
			default: 'data',
			description: 'Name of the binary property that holds each generated image',
		},
		{
			displayName: 'Combine Items',
			name: 'combineItems',
			type: 'boolean',
			default: false,
			description:
				"Whether to send one request for all input items: their reference images go together (in item order), and the first item's prompt and settings are used",
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			default: concurrencyDefault,
			typeOptions: { minValue: concurrency.min, maxValue: concurrency.max, numberPrecision: 0 },
			description:
				"How many items' requests run at once. All executions in this n8n process that use the same credential share one limit, which the node lowers by itself when the API answers with a rate limit.",
		},
		{
			displayName: 'Download Images',
			name: 'downloadImages',
			type: 'boolean',
			default: true,
			description:
				'Whether to download each image as binary data. Turn off to get only the links (they expire after about 24 hours) and metadata.',
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			placeholder: 'e.g. banner-{{ $json.sku }}',
			description:
				'File name of each image, without extension (the real one is added). Several images from one request get -1, -2 … appended. Empty: seedream-item0-image0 and so on, by item and image.',
		},
		{
			displayName: 'Include Input Fields',
			name: 'includeInputJson',
			type: 'boolean',
			default: false,
			description: "Whether to copy the input item's fields into each output item",
		},
		{
			displayName: 'Max Images per Execution',
			name: 'maxImagesPerExecution',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			description:
				'The most images this node may have billed in one execution, over all its runs (loop batches, AI agent tool calls). A request whose most possible images (1, or Max Images of a set) do not fit in what is left is not sent, and its item fails saying so. Reused images cost nothing and do not count. 0 means no cap.',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			default: maxRetriesDefault,
			typeOptions: { minValue: maxRetries.min, maxValue: maxRetries.max, numberPrecision: 0 },
			description:
				'Retries after server errors (5xx) and failed connections, with growing pauses. 0 means one attempt. Rate limits (429) are not billed and do not count: they are waited out as the API asks, up to the Timeout. Rejected requests (400, 401, 403) are never retried.',
		},
		{
			displayName: 'Price per Image (USD)',
			name: 'pricePerImage',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 4 },
			description:
				"What your HighwayAPI plan charges per image, for the estimated cost each output item and the execution's custom data show. 0 uses the model's list price.",
		},
		{
			displayName: 'Prompt Optimization',
			name: 'promptOptimizationMode',
			type: 'options',
			default: 'standard',
			options: [
				{ name: 'Standard', value: 'standard', description: 'Better prompts, slower' },
				{
					name: 'Fast',
					value: 'fast',
					description: `Quicker, lighter rewriting (${fastModels.join(', ')} only)`,
				},
			],
			description: 'Let the model rewrite the prompt before generating. Not sent unless set.',
			displayOptions: { hide: { '/model': unoptimized } },
		},
		{
			displayName: 'Retry Timeouts',
			name: 'retryUncertain',
			type: 'boolean',
			default: false,
			description:
				'Whether to retry when the request timed out, the connection was lost after it was sent, or the answer was unreadable. The API may already have generated and billed those images, so a retry can pay for them twice.',
		},
		{
			displayName: 'Reuse Identical Results',
			name: 'reuseResults',
			type: 'options',
			default: 'retrying',
			options: [
				{
					name: 'Only When Retrying',
					value: 'retrying',
					description:
						'When you retry a failed execution, images it already paid for are reused instead of generated again',
				},
				{
					name: 'Always While Links Are Valid',
					value: 'always',
					description:
						'Any identical earlier request (same model, parameters, prompt, reference images and account) is answered with its images while their links are valid, about 24 hours: re-runs in the editor and repeated agent calls cost nothing',
				},
				{
					name: 'Never',
					value: 'never',
					description: 'Every run generates, and pays for, new images',
				},
			],
			description:
				'Whether to answer a request with the images of an identical earlier one instead of paying for new ones. Only the links, sizes and a hash of the request are kept, never the images or the API key. Reused output items carry reused: true.',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: timeoutDefault,
			typeOptions: { minValue: timeout.min, maxValue: timeout.max, numberPrecision: 0 },
			description:
				'How long to wait for one request, and how long it may keep waiting out rate limits. Image sets at 4K can take several minutes.',
		},
	],
};
