export function png(width?: number, height?: number, seed?: string | number): Buffer;
export function jpeg(width?: number, height?: number): Buffer;
export function gif(width?: number, height?: number): Buffer;
export function bmp(width?: number, height?: number): Buffer;
export function webp(width?: number, height?: number): Buffer;
export function tiff(width?: number, height?: number): Buffer;
export function largePng(bytes: number): Buffer;
export function dataUri(bytes: Buffer, format?: string): string;
