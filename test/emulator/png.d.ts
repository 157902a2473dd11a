// Types for the emulator's image helpers, for the TypeScript tests that use them.

export function renderPng(options: { width: number; height: number; seed: string; imageBytes?: number; comment?: string }): Buffer;
/** `{format, width, height}` from the file's own headers, or null when unknown or too short. */
export function readImageInfo(buffer: Buffer): { format: string; width: number; height: number } | null;
