import type { INodeParameters } from 'n8n-workflow';

export interface LiveCase {
	id: string;
	/** The model's id, or null for a platform request (the credential test). */
	model: string | null;
	kind: 'node' | 'raw';
	what: string;
	/** The most images the case can be billed for. */
	maxImages: number;
	parameters?: INodeParameters;
	request?: { method: 'GET' | 'POST'; path: string; body?: Record<string, unknown> };
}

interface ModelLike {
	id: string;
	path: string;
	presets: Record<string, unknown>;
	usdPerImage?: number;
	/** Width and height each, for a model without presets. */
	sides?: [number, number];
	seed?: [number, number];
}

export function liveCases(models: Record<string, ModelLike>): LiveCase[];
export function caseFor(models: Record<string, ModelLike>, fixture: { case: string; model: string | null }): LiveCase | undefined;
export function smallestPreset(model: ModelLike): string;
export function smallestSize(model: ModelLike): { what: string; parameters: INodeParameters; pixels: number };
export const REFERENCE: Buffer;
export const DEFAULT_MODEL: string;
