/**
 * Everything the API fixes: limits, formats and the recommended sizes. Validation, the node's
 * parameter descriptions and the tests all import from here, so a limit is written once.
 */

export const API_PATH = '/v3/seedream-4.5';
export const CREDENTIAL_TEST_PATH = '/openai/v1/models';
export const DEFAULT_BASE_URL = 'https://api.highwayapi.ai';

/** Enough bytes for the header of every image format, including a JPEG whose size follows EXIF data. */
export const IMAGE_HEADER_BYTES = 256 * 1024;

export const MAX_REFERENCE_IMAGES = 14;
/** References plus generated images in one image-set request. */
export const MAX_IMAGES_TOTAL = 15;
export const MAX_REFERENCE_BYTES = 10 * 1024 * 1024;
export const MIN_REFERENCE_SIDE = 15;
/** "At most 6000x6000" in the model docs is a budget of total pixels, not a limit per side. */
export const MAX_REFERENCE_PIXELS = 6000 * 6000;

export const MIN_TOTAL_PIXELS = 3_686_400;
export const MAX_TOTAL_PIXELS = 16_777_216;
export const MIN_ASPECT_RATIO = 1 / 16;
export const MAX_ASPECT_RATIO = 16;

/** Formats the API accepts for references, as it spells them in a data URI. */
export const REFERENCE_FORMATS = ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'] as const;
export type ImageFormat = (typeof REFERENCE_FORMATS)[number];

export const RESOLUTIONS = ['2K', '4K'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The model's recommended width x height per aspect ratio (BytePlus ModelArk docs). */
export const ASPECT_RATIO_SIZES: Record<string, Record<Resolution, string>> = {
	'1:1': { '2K': '2048x2048', '4K': '4096x4096' },
	'4:3': { '2K': '2304x1728', '4K': '4704x3520' },
	'3:4': { '2K': '1728x2304', '4K': '3520x4704' },
	'16:9': { '2K': '2848x1600', '4K': '5504x3040' },
	'9:16': { '2K': '1600x2848', '4K': '3040x5504' },
	'3:2': { '2K': '2496x1664', '4K': '4992x3328' },
	'2:3': { '2K': '1664x2496', '4K': '3328x4992' },
	'21:9': { '2K': '3136x1344', '4K': '6240x2656' },
};

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 32;
export const DEFAULT_MAX_RETRIES = 4;
/** The vendor allows up to 1200 s for a synchronous call; image sets at 4K are slow. */
export const DEFAULT_TIMEOUT_SECONDS = 900;
