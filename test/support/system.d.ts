export function makeTempDir(prefix: string): string;
