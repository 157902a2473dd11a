/**
 * The pure parts of reading references: splitting the Image URLs text, the binary property
 * names, and telling a data URI. Reading binaries is covered by the engine tests
 * (test/nodes/Seedream/referenceImages.test.ts).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import {
	isDataUri,
	parseBinaryPropertyNames,
	splitImageUrls,
} from '../../../../../nodes/Seedream/helpers/request/referenceImages';

const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk';

describe('splitImageUrls', () => {
	test('one per line, trimmed; blank lines and CRLF line ends are fine', () => {
		expect(splitImageUrls('  https://a.example/1.png \r\n\r\nhttps://a.example/2.jpg\n\n\rhttps://a.example/3.webp\n')).toEqual([
			'https://a.example/1.png',
			'https://a.example/2.jpg',
			'https://a.example/3.webp',
		]);
	});

	test('commas separate too', () => {
		expect(splitImageUrls('https://a.example/1.png, https://a.example/2.png,https://a.example/3.png')).toEqual([
			'https://a.example/1.png',
			'https://a.example/2.png',
			'https://a.example/3.png',
		]);
	});

	test('the comma inside a data URI does not split it, with several on one line', () => {
		expect(splitImageUrls(`${png}, ${png},https://a.example/1.png\n${png}`)).toEqual([png, png, 'https://a.example/1.png', png]);
	});

	test('a data URI whose payload is wrapped over lines is not taken apart at its comma', () => {
		expect(splitImageUrls(`data:image/png;base64,\n${png.slice(22)}`)).toEqual([
			`data:image/png;base64,${png.slice(22)}`,
		]);
	});

	test('a link with commas of its own (image CDNs, map coordinates) stays whole', () => {
		const cloudinary = 'https://res.cloudinary.com/demo/image/upload/w_400,h_300,c_fill/sample.jpg';
		const map = 'https://maps.example.com/static?center=40.71,-74.00&size=600x400';
		expect(splitImageUrls(`${cloudinary}\n${map}`)).toEqual([cloudinary, map]);
		expect(splitImageUrls(`${cloudinary}, ${map}`)).toEqual([cloudinary, map]);
	});

	test('a trailing or doubled comma leaves no empty entry and no stray comma', () => {
		expect(splitImageUrls('https://a.example/1.png,, https://a.example/2.png,')).toEqual([
			'https://a.example/1.png',
			'https://a.example/2.png',
		]);
		expect(splitImageUrls(' \n, ')).toEqual([]);
	});

	test('an array from an expression: one entry each, never split at commas', () => {
		const cloudinary = 'https://res.cloudinary.com/demo/image/upload/w_400,h_300/sample.jpg';
		expect(splitImageUrls([' https://a.example/1.png ', cloudinary, '', png])).toEqual([
			'https://a.example/1.png',
			cloudinary,
			png,
		]);
	});

	test('nothing, or a non-text value', () => {
		expect(splitImageUrls(undefined)).toEqual([]);
		expect(splitImageUrls(null)).toEqual([]);
		expect(splitImageUrls('')).toEqual([]);
		expect(splitImageUrls(42)).toEqual(['42']);
	});

	test('text that is not a link is kept, for the check to name it', () => {
		expect(splitImageUrls('not a link')).toEqual(['not a link']);
	});
});

describe('parseBinaryPropertyNames', () => {
	const item: INodeExecutionData = {
		json: {},
		binary: {
			data: { data: '', mimeType: 'image/png' },
			logo: { data: '', mimeType: 'image/png' },
			photo: { data: '', mimeType: 'image/jpeg' },
		},
	};

	test('names separated by commas, trimmed, in the order given; empty ones dropped', () => {
		expect(parseBinaryPropertyNames(' photo , data,,logo, ', item)).toEqual(['photo', 'data', 'logo']);
		expect(parseBinaryPropertyNames('data', item)).toEqual(['data']);
	});

	test('names are returned even when the item lacks them (the caller says which are missing)', () => {
		expect(parseBinaryPropertyNames('image', item)).toEqual(['image']);
	});

	test('* takes every binary property of the item, in the item\'s order', () => {
		expect(parseBinaryPropertyNames(' * ', item)).toEqual(['data', 'logo', 'photo']);
		expect(parseBinaryPropertyNames('*', { json: {} })).toEqual([]);
	});

	test('nothing given, nothing taken', () => {
		expect(parseBinaryPropertyNames('', item)).toEqual([]);
		expect(parseBinaryPropertyNames(' , ', item)).toEqual([]);
	});
});

describe('isDataUri', () => {
	test.each([
		[png, true],
		['DATA:image/jpeg;base64,/9j/', true],
		['data:text/plain,hello', true],
		['https://a.example/data:image.png', false],
		[' data:image/png;base64,AAAA', false],
		['', false],
	])('%p → %p', (value, expected) => {
		expect(isDataUri(value)).toBe(expected);
	});
});
