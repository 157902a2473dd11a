import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { CREDENTIAL_TEST_PATH, DEFAULT_BASE_URL } from '../nodes/Seedream/helpers/constants';

export class HighwayApi implements ICredentialType {
	name = 'highwayApi';

	// n8n's lint requires credential names to end in " API"; the brand is HighwayAPI.
	displayName = 'Highway API';

	icon = { light: 'file:../icons/highwayApi.svg', dark: 'file:../icons/highwayApi.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-seedream/n8n-nodes-seedream#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your HighwayAPI key. It is sent only to the Base URL below, never to image hosts.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Change only for a proxy, a platform serving the same API, or a local emulator',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Lists the models: proves the key without generating, so without paying for, an image.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: CREDENTIAL_TEST_PATH,
			method: 'GET',
		},
	};
}
