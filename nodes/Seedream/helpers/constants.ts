/** What the platform fixes for every model; each model's own rules are in models.ts. */

/** The credential type the node authenticates with (`highwayApi`). */
export const CREDENTIAL_TYPE = 'highwayApi';
export const DEFAULT_BASE_URL = 'https://api.highwayapi.ai';
/** Lists the account's models: proves a key without generating, so without paying for, an image. */
export const CREDENTIAL_TEST_PATH = '/openai/v1/models';
/** The platform's name, wherever a user reads it. */
export const PLATFORM = 'HighwayAPI';

/** Enough bytes for the header of every image format, including a JPEG whose size follows EXIF data. */
export const IMAGE_HEADER_BYTES = 256 * 1024;
/** Downloads of result images at once, across all requests of an execution. */
export const DOWNLOAD_CONCURRENCY = 4;
