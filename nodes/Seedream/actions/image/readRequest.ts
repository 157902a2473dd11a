import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_MODEL, MAX_IMAGES_TOTAL, type ModelRules } from '../../helpers/models';
import { asGiven, InvalidInput } from '../../helpers/errors/nodeErrors';
import { chooseModel } from '../../helpers/otherModel';
import { readTuning, refuseReferences } from '../../helpers/request/tuning';
import { checkReferenceCount } from '../../helpers/request/referenceChecks';
import { inspectReferences, type Reference } from '../../helpers/request/referenceImages';
import type { GenerationRequest } from '../../helpers/request/requestBody';
import { resolveSize, SIZE_MODES } from '../../helpers/request/size';
import type { LinkSizes } from './inputImage';

/** How the images of one request become output items. */
export interface OutputSettings {
	downloadImages: boolean;
	binaryPropertyOutput: string;
	fileName: string;
	includeInputJson: boolean;
}

/** One API request, checked and ready to send, with the input items it answers. */
export interface PreparedRequest extends GenerationRequest {
	itemIndexes: number[];
	output: OutputSettings;
}

/** What an Image action asks of its requests beyond the parameters. */
export interface ImageAction {
	/** As the user reads it: "Edit Image". */
	name: string;
	/** The first reference is the image to edit: a request without one is refused. */
	needsImage: boolean;
}

/** How the requests of one batch are read. */
export interface RequestReading {
	action: ImageAction;
	/** An AI agent's tool run: it gets links, never downloads. */
	toolRun: boolean;
	/** The size of a reference given by link, read once per execution (Match Input Image). */
	linkSizes: LinkSizes;
}

function readPrompt(value: unknown): string {
	const prompt = typeof value === 'string' ? value.trim() : '';
	if (prompt !== '') return prompt;
	throw new InvalidInput(
		typeof value === 'string'
			? `The prompt is empty: expected a description of the image to generate, found ${asGiven(value)}`
			: `The prompt must be text, found ${asGiven(value)}`,
		'Fill in "Prompt", or check that the expression in it resolves to text for every item.',
	);
}

function readImageSet(model: ModelRules, mode: unknown, asked: unknown, references: number) {
	if (mode !== 'auto' && mode !== 'disabled') {
		throw new InvalidInput(
			`Unknown Image Set mode: expected auto or disabled, found ${asGiven(mode)}`,
		);
	}
	if (mode === 'disabled') return { sequentialImageGeneration: mode } as const;
	if (!model.imageSets) {
		throw new InvalidInput(
			`${model.name} does not make image sets: expected Image Set disabled, found ${asGiven(mode)}`,
			'Set Image Set to Off, or pick another model.',
		);
	}
	const wanted = typeof asked === 'string' && asked.trim() !== '' ? Number(asked) : asked;
	if (
		typeof wanted !== 'number' ||
		!Number.isInteger(wanted) ||
		wanted < 1 ||
		wanted > MAX_IMAGES_TOTAL
	) {
		throw new InvalidInput(
			`Max Images must be a whole number from 1 to ${MAX_IMAGES_TOTAL}, found ${asGiven(asked)}`,
		);
	}
	// References count toward the API's total of 15 images per request.
	return {
		sequentialImageGeneration: mode,
		maxImages: Math.min(wanted, MAX_IMAGES_TOTAL - references),
	} as const;
}

function readOptimization(model: ModelRules, value: unknown): string | undefined {
	if (value === undefined || value === '') return undefined;
	if (model.promptOptimizationModes.length === 0) {
		throw new InvalidInput(
			`${model.name} does not offer prompt optimization: expected none, found ${asGiven(value)}`,
			'Remove Options → Prompt Optimization, or pick another model.',
		);
	}
	if (typeof value !== 'string' || !model.promptOptimizationModes.includes(value)) {
		throw new InvalidInput(
			`${model.name} does not offer this prompt optimization: expected ${model.promptOptimizationModes.join(' or ')}, found ${asGiven(value)}`,
			'Change Options → Prompt Optimization, or remove it.',
		);
	}
	return value;
}

/** A switch an expression may set: true or false, also as text ("false" from a sheet). */
function readSwitch(label: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	if (text === 'true' || text === 'false') return text === 'true';
	throw new InvalidInput(`${label} must be true or false, found ${asGiven(value)}`);
}

/**
 * Reads and checks one request's parameters and references against the chosen model's rules.
 * Runs for every request before any is sent, so bad input never costs a paid request.
 */
export async function readRequest(
	context: IExecuteFunctions,
	itemIndexes: number[],
	{ action, toolRun, linkSizes }: RequestReading,
): Promise<PreparedRequest> {
	const items = context.getInputData();
	const first = itemIndexes[0];
	const parameter = <T>(name: string, fallback?: T): T =>
		context.getNodeParameter(name, first, fallback) as T;

	const model = chooseModel(parameter('model', DEFAULT_MODEL), () => parameter('modelRoute', ''));
	const prompt = readPrompt(parameter<unknown>('prompt', ''));
	const mode = parameter<string>('referenceImages', action.needsImage ? 'binary' : 'none');
	refuseReferences(model, mode, action.needsImage);
	const references: Reference[] = [];
	for (const itemIndex of itemIndexes) {
		references.push(
			...(await inspectReferences(context, model, itemIndex, items[itemIndex], mode)),
		);
	}
	checkReferenceCount(model, references.length, itemIndexes.length > 1);
	if (action.needsImage && references.length === 0) {
		throw new InvalidInput(
			`${action.name} needs the image to edit: expected an image from binary data or a link, found ${asGiven(mode)} under Image Source`,
			'Choose where the image to edit comes from (From Binary Data or From URLs).',
		);
	}
	const sizeMode = parameter('size', action.needsImage ? SIZE_MODES.matchInput : '2K');
	const size = resolveSize(
		{
			size: sizeMode,
			aspectRatio: parameter('aspectRatio', '1:1'),
			resolution: parameter('resolution', '2K'),
			width: parameter('width', 2048),
			height: parameter('height', 2048),
			input:
				sizeMode === SIZE_MODES.matchInput && references.length > 0
					? await linkSizes.of(model, references[0])
					: undefined,
		},
		model,
	);
	const imageSet = readImageSet(
		model,
		parameter('sequentialImageGeneration', 'disabled'),
		parameter('maxImages', MAX_IMAGES_TOTAL),
		references.length,
	);
	return {
		itemIndexes,
		model,
		prompt,
		size,
		watermark: readSwitch('Watermark', parameter('watermark', true)),
		...imageSet,
		promptOptimizationMode: readOptimization(
			model,
			parameter('options.promptOptimizationMode', ''),
		),
		...readTuning(model, parameter<unknown>('seed', -1), parameter<unknown>('guidanceScale', 2.5)),
		references,
		output: {
			// n8n drops a tool's binary data: an AI agent gets links and metadata.
			downloadImages: !toolRun && parameter('options.downloadImages', true),
			binaryPropertyOutput:
				parameter<string>('options.binaryPropertyOutput', 'data').trim() || 'data',
			fileName: String(parameter('options.fileName', '') ?? '').trim(),
			includeInputJson: parameter('options.includeInputJson', false),
		},
	};
}
