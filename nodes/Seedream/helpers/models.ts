/**
 * The Seedream models HighwayAPI serves, one row each: everything that differs between them.
 * Validation, the parameter descriptions, the README's model table and the emulator's contract
 * tests are all built from this table, so adding a model is adding a row.
 *
 * Sources: HighwayAPI's (jiekou.ai's) reference page of each model, the same template the sister
 * platforms publish; see shared/design/api-notes.md. Where a rule is not documented for a model,
 * the row holds the widest value the docs allow, and the API's own answer speaks for the rest.
 */

export const MODEL_IDS = [
	'seedream-4.5',
	'seedream-5.0-lite',
	'seedream-4.0',
	'seedream-3-0-txt2img',
] as const;
export type ModelId = (typeof MODEL_IDS)[number];
export const DEFAULT_MODEL: ModelId = 'seedream-4.5';

/** The formats the family accepts for references, as a data URI spells them. */
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const RESOLUTIONS = ['1K', '2K', '3K', '4K'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const ASPECT_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export type SizeTable = Record<AspectRatio, string>;

/** Recommended width x height per aspect ratio, as the model docs list them. */
export const SIZES_2K: SizeTable = {
	'1:1': '2048x2048',
	'4:3': '2304x1728',
	'3:4': '1728x2304',
	'16:9': '2848x1600',
	'9:16': '1600x2848',
	'3:2': '2496x1664',
	'2:3': '1664x2496',
	'21:9': '3136x1344',
};
export const SIZES_3K: SizeTable = {
	'1:1': '3072x3072',
	'4:3': '3456x2592',
	'3:4': '2592x3456',
	'16:9': '4096x2304',
	'9:16': '2304x4096',
	'3:2': '3744x2496',
	'2:3': '2496x3744',
	'21:9': '4704x2016',
};
export const SIZES_4K: SizeTable = {
	'1:1': '4096x4096',
	'4:3': '4704x3520',
	'3:4': '3520x4704',
	'16:9': '5504x3040',
	'9:16': '3040x5504',
	'3:2': '4992x3328',
	'2:3': '3328x4992',
	'21:9': '6240x2656',
};
/** Seedream 4.0's own 2K table differs in the wide ratios. */
const SIZES_2K_V40: SizeTable = {
	...SIZES_2K,
	'16:9': '2560x1440',
	'9:16': '1440x2560',
	'21:9': '3024x1296',
};
/**
 * 4.0's docs name a 1K preset but list no 1K sizes: these are the smallest sizes of each ratio
 * (sides multiples of 16) inside 4.0's pixel range, which starts at 1024x1024.
 */
export const SIZES_1K_V40: SizeTable = {
	'1:1': '1024x1024',
	'4:3': '1216x912',
	'3:4': '912x1216',
	'16:9': '1392x784',
	'9:16': '784x1392',
	'3:2': '1296x864',
	'2:3': '864x1296',
	'21:9': '1568x672',
};
/** Seedream 3.0's recommended sizes per aspect ratio (its reference page); it has no presets. */
const SIZES_V30: SizeTable = {
	'1:1': '1024x1024',
	'4:3': '1152x864',
	'3:4': '864x1152',
	'16:9': '1280x720',
	'9:16': '720x1280',
	'3:2': '1248x832',
	'2:3': '832x1248',
	'21:9': '1512x648',
};

export interface ModelRules {
	/** `other` for a model chosen by its route name (otherModel.ts). */
	id: ModelId | 'other';
	/** As users read it: "Seedream 4.5". */
	name: string;
	released: string;
	/** What to pick it for, one line. */
	summary: string;
	/**
	 * Approximate upstream price per generated image, in US dollars (resellers, 2026); absent
	 * when unknown (a model by route name): its cost is then not estimated.
	 */
	usdPerImage?: number;
	/** `POST {baseUrl}{path}` */
	path: string;
	/** The body field that carries the references. */
	referenceField: 'image' | 'images';
	maxReferences: number;
	referenceFormats: readonly ImageFormat[];
	/** Width / height of a reference, inclusive. */
	referenceRatio: [number, number];
	/** Named sizes, sent as they are (the model picks the aspect ratio), with their WxH per ratio. */
	presets: Partial<Record<Resolution, SizeTable>>;
	/** For a model without presets: its recommended WxH per aspect ratio (no Resolution to pick). */
	ratioSizes?: SizeTable;
	/** Width and height of a WxH size, each, inclusive, where the model limits sides. */
	sides?: [number, number];
	/** Total pixels of a WxH size, inclusive. */
	pixels: [number, number];
	/** Width / height of a WxH size, inclusive. */
	sizeRatio: [number, number];
	/** Whether `sequential_image_generation: auto` (image sets) is available. */
	imageSets: boolean;
	/** `optimize_prompt_options.mode` values; none: the field is not taken. */
	promptOptimizationModes: readonly string[];
	/** Sent as the body's `model`, where the route wants the model version named. */
	modelVersion?: string;
	/** Sent as `response_format`, where the route lets the caller choose links or base64. */
	responseFormat?: 'url';
	/** `seed`, inclusive, where the model takes one (-1 = random). */
	seed?: [number, number];
	/** `guidance_scale`, inclusive, where the model takes one. */
	guidanceScale?: [number, number];
}

const FULL_RATIO: [number, number] = [1 / 16, 16];

export const MODELS: Record<ModelId, ModelRules & { id: ModelId }> = {
	'seedream-4.5': {
		id: 'seedream-4.5',
		name: 'Seedream 4.5',
		released: '2025-11',
		summary: 'Native 4K and the best text rendering; the default',
		usdPerImage: 0.04,
		path: '/v3/seedream-4.5',
		referenceField: 'image',
		maxReferences: 14,
		referenceFormats: IMAGE_FORMATS,
		referenceRatio: FULL_RATIO,
		presets: { '2K': SIZES_2K, '4K': SIZES_4K },
		pixels: [3_686_400, 16_777_216],
		sizeRatio: FULL_RATIO,
		imageSets: true,
		// The platform's 4.5 page: "currently only standard mode is supported".
		promptOptimizationModes: ['standard'],
	},
	'seedream-5.0-lite': {
		id: 'seedream-5.0-lite',
		name: 'Seedream 5.0 Lite',
		released: '2026-01',
		summary: 'Newest and cheaper per image, 2K and 3K',
		usdPerImage: 0.035,
		path: '/v3/seedream-5.0-lite',
		referenceField: 'image',
		maxReferences: 14,
		referenceFormats: IMAGE_FORMATS,
		referenceRatio: FULL_RATIO,
		presets: { '2K': SIZES_2K, '3K': SIZES_3K },
		pixels: [3_686_400, 10_404_496],
		sizeRatio: FULL_RATIO,
		imageSets: true,
		promptOptimizationModes: ['standard'],
	},
	'seedream-4.0': {
		id: 'seedream-4.0',
		name: 'Seedream 4.0',
		released: '2025-08',
		summary: 'Cheapest, 1K to 4K, up to 10 JPEG or PNG references',
		usdPerImage: 0.03,
		path: '/v3/seedream-4.0',
		referenceField: 'images',
		maxReferences: 10,
		referenceFormats: ['jpeg', 'png'],
		referenceRatio: [1 / 3, 3],
		presets: { '1K': SIZES_1K_V40, '2K': SIZES_2K_V40, '4K': SIZES_4K },
		pixels: [1_048_576, 16_777_216],
		sizeRatio: FULL_RATIO,
		imageSets: true,
		promptOptimizationModes: ['standard', 'fast'],
	},
	'seedream-3-0-txt2img': {
		id: 'seedream-3-0-txt2img',
		name: 'Seedream 3.0',
		// Not on the reference page: read from the version it serves, seedream-3-0-t2i-250415.
		released: '2025-04',
		summary:
			'Fastest, text to image at 512 to 2048 pixels a side; a fixed seed remakes an image exactly',
		// api-notes.md, "Seedream 3.0": about $0.03 upstream (resellers, 2026).
		usdPerImage: 0.03,
		path: '/v3/seedream-3-0-txt2img',
		// Text to image only: no references, no image sets, no prompt optimization.
		referenceField: 'image',
		maxReferences: 0,
		referenceFormats: [],
		referenceRatio: FULL_RATIO,
		presets: {},
		ratioSizes: SIZES_V30,
		sides: [512, 2048],
		pixels: [512 * 512, 2048 * 2048],
		sizeRatio: [1 / 4, 4],
		imageSets: false,
		promptOptimizationModes: [],
		// The only version HighwayAPI serves on this route.
		modelVersion: 'seedream-3-0-t2i-250415',
		responseFormat: 'url',
		seed: [-1, 2_147_483_647],
		guidanceScale: [1, 10],
	},
};

/** Limits every model shares. */
export const REFERENCE_LIMITS = {
	maxBytes: 10 * 1024 * 1024,
	/** Width and height must be greater than 14 pixels. */
	minSide: 15,
	/** "At most 6000x6000" in the model docs is a budget of total pixels, not a limit per side. */
	maxPixels: 6000 * 6000,
} as const;
/** References plus generated images in one image-set request. */
export const MAX_IMAGES_TOTAL = 15;

export function isModelId(value: unknown): value is ModelId {
	return (MODEL_IDS as readonly unknown[]).includes(value);
}

/** The resolutions a model offers, in table order. */
export function resolutionsOf(model: ModelRules): Resolution[] {
	return RESOLUTIONS.filter((resolution) => model.presets[resolution] !== undefined);
}

/** "1:16" for 1/16, "3:1" for 3: a ratio as users write it. */
export function formatRatio(ratio: number): string {
	const round = (value: number) => Number(value.toFixed(2)).toString();
	return ratio >= 1 ? `${round(ratio)}:1` : `1:${round(1 / ratio)}`;
}

/** "1:16 to 16:1" */
export function formatRatioRange([min, max]: [number, number]): string {
	return `${formatRatio(min)} to ${formatRatio(max)}`;
}

/** "3,686,400 to 16,777,216" */
export function formatPixelRange([min, max]: [number, number]): string {
	return `${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
}
