export function makeTempDir(prefix: string): string;
export function readRepoFile(path: string): string;
export function writeRepoFile(path: string, text: string): void;
export function writeDocs(): boolean;
export function sha256(text: string): string;
