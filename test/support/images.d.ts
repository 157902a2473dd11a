export function png(width?: number, height?: number, seed?: string | number): Buffer;
export function jpeg(
	width?: number,
	height?: number,
	options?: { exif?: number; tables?: boolean; progressive?: boolean },
): Buffer;
export function gif(width?: number, height?: number): Buffer;
export function bmp(width?: number, height?: number, options?: { topDown?: boolean }): Buffer;
export function webp(
	width?: number,
	height?: number,
	options?: { chunk?: 'VP8X' | 'VP8L' | 'VP8 ' },
): Buffer;
export function tiff(
	width?: number,
	height?: number,
	options?: { bigEndian?: boolean; short?: boolean },
): Buffer;
export function largePng(bytes: number): Buffer;
export function dataUri(bytes: Buffer, format?: string): string;
